import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('SQL of the SQLite stores', () => {
  it('binds every LIMIT and OFFSET through limitParam, so no statement is prepared again per run', () => {
    // A bare bound LIMIT makes SQLite re-plan the statement on every bind (see `limitParam`).
    const bare = /\b(LIMIT|OFFSET)\s+([?@:]|\$(?!\{))/g;
    const offenders = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(bare)].map((m) => `${relative(SRC, file)}: ${m[0]}`),
    );
    expect(offenders).toEqual([]);
  });
});
