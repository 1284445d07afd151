import type { Options } from '../options.js';
import type { FigureDef, RoundValues, Scenario, Value } from '../scenarios/scenario.js';
import { median, sig4 } from '../stats.js';
import { SERVER_NAMES, type ServerName } from '../targets/targets.js';

type Compared = Exclude<ServerName, 'bare'>;
const COMPARED: readonly Compared[] = ['floor', 'tether'];

/**
 * One figure over all rounds: each server's median, and the floor's and Tether's ratio to bare
 * as the median of the per-round ratios (each taken between runs seconds apart, under the same
 * background load) with their range. A null always has its reason in `reasons`, keyed by field.
 */
export interface FigureSummary extends FigureDef {
  bare: number | null;
  floor: number | null;
  tether: number | null;
  floorRatio: number | null;
  tetherRatio: number | null;
  floorRange: [number, number] | null;
  tetherRange: [number, number] | null;
  reasons: Record<string, string>;
}

export interface ScenarioSummary {
  name: string;
  title: string;
  about: string;
  figures: FigureSummary[];
}

const usable = (value: Value | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function whyMissing(values: (Value | undefined)[]): string {
  for (const value of values) if (typeof value === 'object') return value.reason;
  if (values.some((v) => typeof v === 'number'))
    return 'not finite in any round (no samples, or a division by zero)';
  return 'not measured';
}

function summarizeFigure(figure: FigureDef, rounds: RoundValues[]): FigureSummary {
  const summary: FigureSummary = {
    ...figure,
    bare: null,
    floor: null,
    tether: null,
    floorRatio: null,
    tetherRatio: null,
    floorRange: null,
    tetherRange: null,
    reasons: {},
  };
  for (const server of SERVER_NAMES) {
    const values = rounds.map((r) => r[server][figure.key]);
    const numbers = values.filter(usable);
    if (numbers.length > 0) summary[server] = sig4(median(numbers));
    else summary.reasons[server] = whyMissing(values);
  }
  for (const server of COMPARED) {
    const field = `${server}Ratio` as const;
    if (figure.better === 'none' || figure.compare === false) {
      summary.reasons[field] = 'not compared with bare';
      continue;
    }
    const ratios = rounds.flatMap((r) => {
      const [value, bare] = [r[server][figure.key], r.bare[figure.key]];
      return usable(value) && usable(bare) && bare > 0 ? [value / bare] : [];
    });
    if (ratios.length === 0) {
      summary.reasons[field] =
        summary.reasons[server] ?? summary.reasons.bare ?? 'bare measured zero or less in every round';
      continue;
    }
    summary[field] = sig4(median(ratios));
    summary[`${server}Range`] = [sig4(Math.min(...ratios)), sig4(Math.max(...ratios))];
  }
  return summary;
}

export function summarizeScenario(
  scenario: Scenario,
  options: Options,
  rounds: RoundValues[],
): ScenarioSummary {
  return {
    name: scenario.name,
    title: scenario.title,
    about: scenario.about(options),
    figures: scenario.figures(options).map((figure) => summarizeFigure(figure, rounds)),
  };
}
