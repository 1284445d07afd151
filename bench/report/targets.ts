import type { ScenarioName } from '../options.js';
import type { ScenarioSummary } from './summary.js';

/** A target of issue 15, on one field of one figure's summary. */
interface TargetDef {
  /** The item number. */
  item: number;
  text: string;
  scenario: ScenarioName;
  figure: string;
  /** Tether's ratio to bare, or Tether's own value. */
  field: 'tetherRatio' | 'tether';
  max?: number;
  min?: number;
}

export const TARGETS: readonly TargetDef[] = [
  {
    item: 1,
    text: 'CPU per cookie handshake, file store <= 2.0x bare',
    scenario: 'handshake',
    figure: 'cpuFileMs',
    field: 'tetherRatio',
    max: 2.0,
  },
  {
    item: 1,
    text: 'CPU per cookie handshake, Redis store <= 1.7x bare',
    scenario: 'handshake',
    figure: 'cpuRedisMs',
    field: 'tetherRatio',
    max: 1.7,
  },
  {
    item: 2,
    text: 'heap per idle socket <= 1.5x bare',
    scenario: 'idle',
    figure: 'heapKb',
    field: 'tetherRatio',
    max: 1.5,
  },
  {
    item: 2,
    text: 'RSS per idle socket <= 1.3x bare',
    scenario: 'idle',
    figure: 'rssKb',
    field: 'tetherRatio',
    max: 1.3,
  },
  {
    item: 2,
    text: 'heap after all sockets close within 1 KB per socket of the start (second cycle)',
    scenario: 'idle',
    figure: 'retainedB',
    field: 'tether',
    max: 1024,
  },
  {
    item: 3,
    text: 'handshakes/s >= 0.5x bare, file store',
    scenario: 'handshake',
    figure: 'perSecFile',
    field: 'tetherRatio',
    min: 0.5,
  },
  {
    item: 3,
    text: 'handshakes/s >= 0.65x bare, Redis store',
    scenario: 'handshake',
    figure: 'perSecRedis',
    field: 'tetherRatio',
    min: 0.65,
  },
  {
    item: 4,
    text: "room:join CPU in the large room <= 1.2x the small room's",
    scenario: 'presence',
    figure: 'joinGrowth',
    field: 'tether',
    max: 1.2,
  },
  {
    item: 4,
    text: "disconnect CPU in the large room <= 1.2x the small room's",
    scenario: 'presence',
    figure: 'leaveGrowth',
    field: 'tether',
    max: 1.2,
  },
  {
    item: 5,
    text: 'reconnect storm, listening to all re-joined <= 2x bare',
    scenario: 'reconnect',
    figure: 'listeningToRejoinedMs',
    field: 'tetherRatio',
    max: 2,
  },
  {
    item: 5,
    text: 'listening within 0.6 s of the start (no clients)',
    scenario: 'idle',
    figure: 'bootMs',
    field: 'tether',
    max: 600,
  },
  {
    item: 6,
    text: 'WAL under 8 MB after the send-only messages',
    scenario: 'wal',
    figure: 'walBytes',
    field: 'tether',
    max: 8 * 2 ** 20,
  },
  {
    item: 7,
    text: 'CPU per persisted message <= 1.5x bare',
    scenario: 'sends',
    figure: 'cpuMs',
    field: 'tetherRatio',
    max: 1.5,
  },
  {
    item: 7,
    text: 'heap allocation <= 60 KB per message',
    scenario: 'sends',
    figure: 'allocKb',
    field: 'tether',
    max: 60,
  },
];

export interface TargetResult {
  item: number;
  text: string;
  scenario: ScenarioName;
  figure: string;
  field: 'tetherRatio' | 'tether';
  measured: number | null;
  /** null when not measured (the scenario was not run, or the figure has a reason). */
  met: boolean | null;
  reason?: string;
}

export function evaluateTargets(scenarios: ScenarioSummary[]): TargetResult[] {
  return TARGETS.map(({ max, min, ...target }) => {
    const figure = scenarios
      .find((s) => s.name === target.scenario)
      ?.figures.find((f) => f.key === target.figure);
    const measured = figure?.[target.field] ?? null;
    if (measured === null)
      return { ...target, measured, met: null, reason: figure?.reasons[target.field] ?? 'scenario not run' };
    return {
      ...target,
      measured,
      met: (max === undefined || measured <= max) && (min === undefined || measured >= min),
    };
  });
}
