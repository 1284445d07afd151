import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './helpers/app.js';

const run = promisify(execFile);

interface Figure {
  ratio: number | null;
  ratioMin: number | null;
  ratioMax: number | null;
  tether: number | null;
  baseline: number | null;
}

/** Every number anywhere under `value`, with its path. */
function numbers(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => numbers(child, `${path}.${key}`));
}

// A smoke run of the harness: it must work end to end. It never asserts on speed (see
// docs/testing.md, "Benchmarks (not tests)"); the figures of a one-round tiny run mean nothing.
describe('the benchmark harness, smoke run', () => {
  let out: string;
  beforeAll(() => {
    out = tempDir('tether-bench-smoke-');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs both servers, exits 0 and writes a JSON report and its markdown summary', async () => {
    await run(process.execPath, ['--import', 'tsx', 'bench/run.mjs', '--smoke', '--out', out], {
      timeout: 60_000,
    });

    const files = readdirSync(out);
    const json = files.filter((f) => f.endsWith('.json'));
    expect(json).toHaveLength(1);
    expect(files).toContain(json[0].replace(/\.json$/, '.md'));
    const report = JSON.parse(readFileSync(join(out, json[0]), 'utf8')) as {
      options: { rounds: number; smoke: boolean };
      summary: {
        messages: Record<string, Figure>;
        handshake: Record<string, Figure>;
        login: { inBareHandshakes: number; tetherMs: number };
        clientCpuShare: { baseline: number; tether: number };
      };
      rounds: { baseline: unknown; tether: unknown }[];
    };

    expect(report.options).toMatchObject({ rounds: 1, smoke: true });
    expect(Object.keys(report.summary.messages).sort()).toEqual(
      [
        'ackP50Ms',
        'ackP95Ms',
        'deliveryP50Ms',
        'deliveryP95Ms',
        'throughputPerSec',
        'serverCpuMsPerMessage',
      ].sort(),
    );
    expect(Object.keys(report.summary.handshake).sort()).toEqual(
      ['connectP50Ms', 'connectP95Ms', 'socketsMs', 'totalMs', 'serverCpuMsPerSocket'].sort(),
    );
    const figures = Object.entries({ ...report.summary.messages, ...report.summary.handshake });
    for (const [name, figure] of figures) {
      expect(Object.keys(figure).sort()).toEqual(['baseline', 'ratio', 'ratioMax', 'ratioMin', 'tether']);
      // Server CPU comes from /proc; elsewhere those figures are null, everything else is a number.
      if (process.platform === 'linux' || !name.startsWith('serverCpu'))
        expect(Object.values(figure).every((v) => typeof v === 'number')).toBe(true);
    }
    expect(Object.keys(report.summary.login).sort()).toEqual(['inBareHandshakes', 'tetherMs']);
    expect(Object.keys(report.summary.clientCpuShare).sort()).toEqual(['baseline', 'tether']);
    expect(report.rounds).toHaveLength(1);

    const all = numbers({ summary: report.summary, rounds: report.rounds });
    expect(all.length).toBeGreaterThan(20);
    for (const [path, value] of all)
      expect({ path, ok: Number.isFinite(value) && value > 0 }).toEqual({ path, ok: true });
  }, 90_000);
});
