import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SCENARIO_NAMES } from '../bench/options.js';
import type { Report } from '../bench/report/report.js';
import { tempDir } from './helpers/app.js';

const run = promisify(execFile);

/** A figure's field is a finite number, or null with its reason written next to it. */
function explained(value: number | null, reason: string | undefined): boolean {
  return value === null ? typeof reason === 'string' && reason.length > 0 : Number.isFinite(value);
}

// A smoke run of the harness: every scenario must work end to end. It never asserts on speed (see
// docs/testing.md, "Benchmarks (not tests)"): the figures of a one-round tiny run mean nothing.
describe('the benchmark harness, smoke run', () => {
  let out: string;
  let files: string[];
  let report: Report;
  let markdown: string;

  beforeAll(async () => {
    out = tempDir('tether-bench-smoke-');
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      // Under a minute on a quiet machine; these are shared, and a busy one is slower.
      timeout: 300_000,
    });
    files = readdirSync(out).sort();
    const stem = join(out, files[0].replace(/\.(json|md)$/, ''));
    report = JSON.parse(readFileSync(`${stem}.json`, 'utf8')) as Report;
    markdown = readFileSync(`${stem}.md`, 'utf8');
  }, 320_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes one JSON report and its markdown summary, with every scenario, in one round', () => {
    expect(files.map((f) => f.replace(/^[^.]+/, 'stem'))).toEqual(['stem.json', 'stem.md']);
    expect(files[0].replace(/\.json$/, '')).toBe(files[1].replace(/\.md$/, ''));
    expect(report.options).toMatchObject({ rounds: 1, smoke: true });
    expect(report.command).toContain('--smoke');
    expect(report.scenarios.map((s) => s.name).sort()).toEqual([...SCENARIO_NAMES].sort());
    expect(report.rounds).toHaveLength(1);
    for (const name of SCENARIO_NAMES)
      expect(Object.keys(report.rounds[0].scenarios[name] ?? {}).sort()).toEqual(['bare', 'floor', 'tether']);
  });

  it('gives every figure a finite number, or null with a reason, for each server and ratio', () => {
    const figures = report.scenarios.flatMap((s) => s.figures.map((f) => ({ scenario: s.name, ...f })));
    expect(figures.length).toBeGreaterThan(25);
    for (const f of figures) {
      for (const field of ['bare', 'floor', 'tether', 'floorRatio', 'tetherRatio'] as const)
        expect({
          figure: `${f.scenario}.${f.key}.${field}`,
          ok: explained(f[field], f.reasons[field]),
        }).toEqual({
          figure: `${f.scenario}.${f.key}.${field}`,
          ok: true,
        });
      for (const range of [f.floorRange, f.tetherRange])
        if (range !== null) expect(range.every(Number.isFinite)).toBe(true);
    }
  });

  it("judges each of issue 15's targets, or says why it could not", () => {
    expect(report.targets.length).toBeGreaterThan(10);
    for (const t of report.targets) {
      expect(explained(t.measured, t.reason)).toBe(true);
      expect(t.met === null ? typeof t.reason : typeof t.met).toBe(t.met === null ? 'string' : 'boolean');
    }
  });

  it('renders the markdown summary from the same report', () => {
    expect(markdown).toContain('## Targets (issue 15)');
    for (const scenario of report.scenarios) expect(markdown).toContain(`## ${scenario.title}`);
    expect(markdown).toContain('Smoke run');
  });
});
