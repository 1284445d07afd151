import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Options, ScenarioName } from '../options.js';
import type { RoundValues } from '../scenarios/scenario.js';
import { sig4 } from '../stats.js';
import { markdown } from './markdown.js';
import type { ScenarioSummary } from './summary.js';
import type { TargetResult } from './targets.js';

export interface Machine {
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  loadavgStart: number[];
  loadavgEnd: number[];
}

/** The JSON report; the markdown is rendered from it alone. */
export interface Report {
  startedAt: string;
  finishedAt: string;
  command: string;
  /** The commit the harness and the build came from; null outside a git checkout. */
  code: { commit: string; uncommittedChanges: boolean } | null;
  machine: Machine;
  versions: Record<string, string>;
  options: Omit<Options, 'out'>;
  /** Fewer than `options.rounds` in a report a failed run left behind. */
  roundsCompleted: number;
  targets: TargetResult[];
  scenarios: ScenarioSummary[];
  /** Every round's raw figures, per scenario and server; scenarios measured once appear in round 1. */
  rounds: { round: number; scenarios: Partial<Record<ScenarioName, RoundValues>> }[];
}

export function machineAtStart(): Omit<Machine, 'loadavgEnd'> {
  return {
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadavgStart: loadavg().map(sig4),
  };
}

export function codeVersion(root: string): Report['code'] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain') !== '',
    };
  } catch {
    return null;
  }
}

export const loadNow = (): number[] => loadavg().map(sig4);

export function versionsOf(root: string, packages: string[]): Record<string, string> {
  return Object.fromEntries(
    packages.map((name) => [
      name,
      (
        JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    ]),
  );
}

/** Writes `<out>/<timestamp>.json` and `.md`; returns the markdown and the path stem. */
export function writeReport(report: Report, out: string): { md: string; stem: string } {
  const md = markdown(report);
  mkdirSync(out, { recursive: true });
  const stem = join(out, report.startedAt.replace(/[:.]/g, '-'));
  writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  return { md, stem };
}
