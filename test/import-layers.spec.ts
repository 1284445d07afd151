import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/**
 * The import plan of `src/`: every file belongs to one layer, and imports may only point to its own
 * layer or a lower one, with no cycles. docs/architecture.md draws the same plan.
 */
const LAYERS: { name: string; folders: string[] }[] = [
  { name: 'protocol', folders: ['protocol'] },
  { name: 'infrastructure', folders: ['config', 'observability', 'storage', 'common'] },
  { name: 'domain', folders: ['users', 'session', 'credentials', 'rooms'] },
  { name: 'features', folders: ['auth', 'realtime', 'chat', 'http', 'health', 'api'] },
  { name: 'composition root', folders: ['.'] },
];

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Relative imports of a file, as paths under src/ (type-only imports count too). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, normalize(join(dirname(file), name.replace(/\.js$/, '.ts')))));
}

function layerOf(path: string): number {
  const folder = path.includes('/') ? path.split('/')[0] : '.';
  const index = LAYERS.findIndex((layer) => layer.folders.includes(folder));
  if (index < 0) throw new Error(`src/${path} is in no layer: add its folder to LAYERS`);
  return index;
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file)]));

describe('the import plan of src/', () => {
  it('has no import from a lower layer to a higher one', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets
        .filter((to) => layerOf(to) > layerOf(from))
        .map((to) => `${from} (${LAYERS[layerOf(from)].name}) imports ${to} (${LAYERS[layerOf(to)].name})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycles, between folders or between files', () => {
    const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '.');
    const folderEdges = new Map<string, Set<string>>();
    for (const [from, targets] of graph) {
      for (const to of targets) {
        if (folderOf(from) === folderOf(to)) continue;
        const set = folderEdges.get(folderOf(from)) ?? new Set<string>();
        folderEdges.set(folderOf(from), set.add(folderOf(to)));
      }
    }
    expect(cycles(new Map([...folderEdges].map(([k, v]) => [k, [...v]])))).toEqual([]);
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps protocol/ free of Nest, the stores and common/: browsers and bots load it', () => {
    const external = [...graph.keys()]
      .filter((path) => path.startsWith('protocol/'))
      .flatMap((path) =>
        ts
          .preProcessFile(readFileSync(join(SRC, path), 'utf8'), true, true)
          .importedFiles.map((f) => f.fileName)
          .filter((name) => !name.startsWith('./') && name !== 'zod')
          .map((name) => `${path} imports ${name}`),
      );
    expect(external).toEqual([]);
  });
});

/** Every cycle found by a depth-first walk, each as `a -> b -> a`. */
function cycles(edges: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'active') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}
