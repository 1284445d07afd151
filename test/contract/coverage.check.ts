import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inject } from 'vitest';
import { covers, specOperations } from './spec-validators.js';

/**
 * Runs after every other project of the run (`sequence.groupOrder`), over what the contract
 * observer logged while the e2e suite ran: every operation the specifications publish must have
 * been exercised, so none goes unchecked. A new endpoint or event added to the protocol tables
 * appears here until a test uses it.
 */

const ROOT = join(import.meta.dirname, '..', '..');

function e2eFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // The fuzz project speaks raw packets outside the observer: its files never report, so they
    // would make every whole run look partial and skip this check.
    if (entry.isDirectory()) return ['node_modules', 'fuzz'].includes(entry.name) ? [] : e2eFiles(path);
    return entry.name.endsWith('.e2e-spec.ts') ? [relative(ROOT, path)] : [];
  });
}

function observations(): { files: Set<string>; observed: string[] } {
  const dir = inject('contractLogDir');
  const lines = readdirSync(dir)
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { file?: string; observed?: string });
  return {
    files: new Set(lines.flatMap((l) => (l.file ? [l.file] : []))),
    observed: [...new Set(lines.flatMap((l) => (l.observed ? [l.observed] : [])))].sort(),
  };
}

describe('The contract test', () => {
  it('saw the e2e suite exercise every operation the specifications publish', (ctx) => {
    const { files, observed } = observations();
    const notRun = e2eFiles(join(ROOT, 'test')).filter((file) => !files.has(file));
    ctx.skip(
      notRun.length > 0,
      `not a whole run (${notRun.length} e2e files did not run, e.g. ${notRun[0]}): coverage is judged on \`npm test\` only`,
    );
    const never = specOperations().filter((operation) => !observed.some((o) => covers(o, operation)));
    expect(never, 'operations no e2e test exercised').toEqual([]);
    console.log(`[contract] ${observed.length} kinds of response, ack and event observed and validated`);
  });
});
