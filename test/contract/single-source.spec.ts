import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import * as protocol from '../../src/protocol/index.js';

/**
 * No protocol fact is written twice: the clients (the web app and `@tether/client`) take every
 * limit, fixed name and type from `src/protocol/` instead of restating it.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const CLIENT_SOURCES = ['web/src', 'packages/client/src'];
const CLIENT_PAGES = ['web/index.html', 'web/docs/index.html'];

function files(dir: string, ending: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, ending);
    return entry.name.endsWith(ending) ? [path] : [];
  });
}

const sources = CLIENT_SOURCES.flatMap((dir) => files(dir, '.ts')).map((path) => ({
  path,
  file: ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true),
}));

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** `path:line` of every node of the client sources for which `test` holds, with its text. */
function findInSources(test: (node: ts.Node) => boolean): string[] {
  return sources.flatMap(({ path, file }) => {
    const found: string[] = [];
    walk(file, (node) => {
      if (!test(node)) return;
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${path}:${line + 1} ${node.getText()}`);
    });
    return found;
  });
}

/**
 * Limits small enough to be ordinary numbers (3 characters, 12, 16 hex digits of a UUID) would
 * flag innocent code; the rest are distinctive enough to mean the limit wherever they appear.
 */
const DISTINCTIVE = new Set<number>(Object.values(protocol.LIMITS).filter((value) => value >= 32));

const FIXED_NAMES = new Set<string>([
  protocol.GENERAL_ROOM_ID,
  protocol.CHAT_NAMESPACE,
  protocol.SOCKET_IO_PATH,
  protocol.SESSION_COOKIE.name,
  protocol.SESSION_COOKIE.secureName,
  protocol.BEFORE_FIRST_MESSAGE,
  ...Object.values(protocol.SPEC_URLS),
  ...Object.values(protocol.ROUTES).map((route) => route.path),
]);

/** Every type, interface, class or enum the protocol exports by name. */
const protocolTypeNames = (() => {
  const program = ts.createProgram([join(ROOT, 'src/protocol/index.ts')], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(ROOT, 'src/protocol/index.ts'))!;
  return new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).map((s) => s.getName()));
})();

describe('The protocol, written once', () => {
  it('has none of its limits restated as numbers in the clients', () => {
    // Decimal literals only: a bit mask such as 0x40 is not a length.
    const decimal = (node: ts.Node) => ts.isNumericLiteral(node) && /^\d[\d_]*$/.test(node.getText());
    expect(
      findInSources((node) => decimal(node) && DISTINCTIVE.has(Number((node as ts.NumericLiteral).text))),
    ).toEqual([]);
  });

  it('has none of its fixed names or paths restated as strings in the clients', () => {
    expect(
      findInSources(
        (node) =>
          (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
          FIXED_NAMES.has(node.text),
      ),
    ).toEqual([]);
  });

  it('has no client type that twins one of its own (User, Message, ApiError, FieldError, ...)', () => {
    expect(
      findInSources(
        (node) =>
          (ts.isInterfaceDeclaration(node) ||
            ts.isTypeAliasDeclaration(node) ||
            ts.isClassDeclaration(node)) &&
          node.name !== undefined &&
          protocolTypeNames.has(node.name.text),
      ),
    ).toEqual([]);
  });

  it('has no length or limit number in the pages: they are filled in from LIMITS', () => {
    const found = CLIENT_PAGES.flatMap((path) =>
      readFileSync(join(ROOT, path), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /(?:minlength|maxlength)="\d/.test(line) ||
          [...line.matchAll(/\d+/g)].some((m) => DISTINCTIVE.has(Number(m[0])))
            ? [`${path}:${i + 1} ${line.trim()}`]
            : [],
        ),
    );
    expect(found).toEqual([]);
  });

  it('is checked in every client source file (the lists above are not empty)', () => {
    expect(sources.map((s) => relative(ROOT, join(ROOT, s.path)))).toEqual(
      expect.arrayContaining(['web/src/chat-client.ts', 'packages/client/src/client.ts']),
    );
  });
});
