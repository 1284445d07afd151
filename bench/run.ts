/**
 * Tether's benchmark harness: `npm run bench` (builds first), or `node --import tsx bench/run.ts
 * [options]` (USAGE in options.ts; the README's "Benchmarks" explains the report).
 *
 * Three servers run as child processes, each with the probe preloaded (bench/servers/probe.mjs):
 * bare Socket.IO, the floor, and Tether's build as a black box. Client worker processes drive them
 * all with the same code. Scenarios run in interleaved rounds, and every figure is reported next
 * to bare's from the same round, because on these shared 2-core machines only ratios taken
 * seconds apart mean much.
 */
import { fileURLToPath } from 'node:url';
import { startRedis } from '../tools/processes.js';
import { ClientPool } from './clients/pool.js';
import { parseOptions, USAGE, UsageError, type Options, type ScenarioName } from './options.js';
import {
  codeVersion,
  loadNow,
  machineAtStart,
  versionsOf,
  writeReport,
  type Report,
} from './report/report.js';
import { summarizeScenario } from './report/summary.js';
import { evaluateTargets } from './report/targets.js';
import { handshake } from './scenarios/handshake.js';
import { idle } from './scenarios/idle-memory.js';
import { presence } from './scenarios/presence.js';
import { reconnect } from './scenarios/reconnect.js';
import type { RoundValues, Scenario, Targets } from './scenarios/scenario.js';
import { sends } from './scenarios/sends.js';
import { wal } from './scenarios/wal.js';
import { startBare, startFloor, startTether, type Target } from './targets/targets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Report order. The reconnect storm restarts the servers, so it comes last in a round. */
const SCENARIOS: Scenario[] = [handshake, idle, presence, sends, reconnect, wal];

const log = (line: string) => process.stderr.write(`${line}\n`);

/** How this run was started, for the report: npm names its script in the environment. */
function commandLine(argv: string[]): string {
  if (process.env.npm_lifecycle_event === 'bench')
    return ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' ');
  return ['node --import tsx bench/run.ts', ...argv].join(' ');
}

/** Starts every server at once (start-up is not measured); `started` collects them for the cleanup. */
async function startTargets(options: Options, redisUrl: string | { reason: string }, started: Target[]) {
  const keep = (target: Promise<Target>) =>
    target.then((t) => {
      started.push(t);
      return t;
    });
  const notRun = { reason: 'handshake scenario not run' };
  const redisVariant = (start: (url: string) => Promise<Target>) =>
    !options.scenarios.includes('handshake')
      ? Promise.resolve(notRun)
      : typeof redisUrl === 'string'
        ? keep(start(redisUrl))
        : Promise.resolve(redisUrl);
  const [bare, floor, tether, floorRedis, tetherRedis, tetherSqlite] = await Promise.all([
    keep(startBare()),
    keep(startFloor('file')),
    keep(startTether('file')),
    redisVariant((url) => startFloor('redis', url)),
    redisVariant((url) => startTether('redis', url)),
    options.scenarios.includes('handshake') ? keep(startTether('sqlite')) : Promise.resolve(notRun),
  ]);
  return { bare, floor, tether, floorRedis, tetherRedis, tetherSqlite } satisfies Targets;
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv, `${ROOT}bench/results`);
  const startedAt = new Date().toISOString();
  const machine = machineAtStart();
  const code = codeVersion(ROOT);
  const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = () => Promise.allSettled(cleanups.reverse().map((stop) => stop()));
  const onSignal = () => void cleanUp().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let redisUrl: string | { reason: string } = { reason: 'run with --no-redis' };
    if (options.redis && options.scenarios.includes('handshake')) {
      redisUrl = await startRedis(process.env.REDIS_SERVER ?? 'redis-server').then(
        (redis) => {
          cleanups.push(() => redis.stop());
          return redis.url;
        },
        (error: unknown) => ({
          reason: `no Redis: ${String(error instanceof Error ? error.message : error)}`,
        }),
      );
    }
    const pool = await ClientPool.start(options.workers);
    cleanups.push(async () => pool.stop());
    const started: Target[] = [];
    cleanups.push(() => Promise.allSettled(started.map((t) => t.stop())));
    log('starting the servers ...');
    const targets = scenarios.some((s) => s.perRound)
      ? await startTargets(options, redisUrl, started)
      : undefined;

    const rounds: Report['rounds'] = [];
    const byScenario = new Map<ScenarioName, RoundValues[]>(scenarios.map((s) => [s.name, []]));
    const { out: _out, ...recorded } = options;
    // Written after every round, so a run that fails late still leaves what it measured.
    const report = (): Report => {
      const summaries = scenarios.map((s) => summarizeScenario(s, options, byScenario.get(s.name)!));
      return {
        startedAt,
        finishedAt: new Date().toISOString(),
        command: commandLine(argv),
        code,
        machine: { ...machine, loadavgEnd: loadNow() },
        versions: versionsOf(ROOT, ['socket.io', 'socket.io-client', 'better-sqlite3']),
        options: recorded,
        roundsCompleted: rounds.length,
        targets: evaluateTargets(summaries),
        scenarios: summaries,
        rounds,
      };
    };
    for (let round = 1; round <= options.rounds; round++) {
      const record: Report['rounds'][number] = { round, scenarios: {} };
      for (const scenario of scenarios) {
        if (!scenario.perRound && round > 1) continue;
        const t0 = Date.now();
        const values = await scenario.run({ options, pool, targets: targets!, round, log });
        record.scenarios[scenario.name] = values;
        byScenario.get(scenario.name)!.push(values);
        log(
          `round ${round}/${options.rounds}: ${scenario.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
      rounds.push(record);
      if (round < options.rounds) log(`round ${round} so far: ${writeReport(report(), options.out).stem}.md`);
    }

    const { md, stem } = writeReport(report(), options.out);
    process.stdout.write(md);
    log(`wrote ${stem}.json and ${stem}.md`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

main(process.argv.slice(2)).then(
  // Sockets still closing must not keep the process (and `npm run bench`) waiting.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      error instanceof UsageError
        ? `${error.message}\n${USAGE}\n`
        : `benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
