/**
 * A message's text as DOM nodes: `**bold**`, `*italics*` (or `_italics_`), `` `code` `` and
 * http(s) links, everything else as text. Built with `createElement` and `textContent` only, so no
 * text a user sent is ever parsed as HTML; a link's target must parse as an `http:` or `https:`
 * URL (never `javascript:`, `data:`, `vbscript:`, `file:`...), or it stays text.
 */
const TOKEN =
  /(`[^`\n]+`)|(\*\*(?=\S)[^*\n]+?\*\*)|((?<![\p{L}\p{N}*_])[*_](?=\S)[^*_\n]+?[*_](?![\p{L}\p{N}*_]))|(\bhttps?:\/\/[^\s<>"'`]+)/giu;
/** Punctuation that ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]'"]+$/;
const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

export function renderText(text: string): Node[] {
  return render(text, true);
}

function render(text: string, formatting: boolean): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const [whole, code, bold, italic, url] = match;
    if (!formatting && !url) continue;
    const start = match.index;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    last = start + whole.length;
    if (code) nodes.push(element('code', [document.createTextNode(code.slice(1, -1))]));
    else if (bold) nodes.push(element('strong', render(bold.slice(2, -2), false)));
    else if (italic) nodes.push(element('em', render(italic.slice(1, -1), false)));
    else {
      const trailing = TRAILING.exec(url)?.[0] ?? '';
      const target = url.slice(0, url.length - trailing.length);
      nodes.push(link(target));
      if (trailing) last -= trailing.length;
    }
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** A link if `raw` is a safe absolute URL, else the same characters as text. */
export function link(raw: string): Node {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return document.createTextNode(raw);
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return document.createTextNode(raw);
  const a = document.createElement('a');
  a.href = url.href;
  a.textContent = raw;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  return a;
}

function element(tag: 'code' | 'strong' | 'em', children: Node[]): HTMLElement {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}
