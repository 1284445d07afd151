import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = ['handshake', 'idle', 'presence', 'reconnect', 'sends', 'wal'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Options {
  smoke: boolean;
  /** Interleaved rounds; the order of the servers rotates from one to the next. */
  rounds: number;
  /** Client worker processes. */
  workers: number;
  /** Users (one session each) whose cookies the sockets of a scenario share. */
  users: number;
  /** Sockets of the handshake storm. */
  handshakes: number;
  /** Idle sockets whose memory is measured. */
  idle: number;
  /** The two room sizes of the presence scenario. */
  presence: [small: number, large: number];
  /** Sockets joining (then leaving) at each presence size; their cost is the figure. */
  joins: number;
  /** Sockets of the reconnect storm. */
  reconnect: number;
  /** Room members of the closed-loop send scenario, each its own user... */
  members: number;
  /** ...of which this many send. */
  senders: number;
  /** Messages of one timed send phase, spread over the senders. */
  messages: number;
  /** Send-only messages before the WAL is measured. */
  wal: number;
  scenarios: ScenarioName[];
  /** The Redis session-store variants (need `redis-server`). */
  redis: boolean;
  /** Where `<timestamp>.json` and `.md` go. */
  out: string;
}

type Sizes = Omit<Options, 'smoke' | 'scenarios' | 'redis' | 'out'>;

/** The full run (the sizes of issue 15): roughly 15 minutes of the whole 2-core machine. */
export const FULL: Sizes = {
  rounds: 3,
  workers: 2,
  users: 20,
  handshakes: 2000,
  idle: 2000,
  presence: [1000, 8000],
  // Each figure averages over this many joins and disconnects: at 500, whether one major GC of the
  // large room's heap fell into a window swung the growth figures by more than the 1.2x target.
  joins: 2000,
  reconnect: 5000,
  members: 20,
  senders: 10,
  messages: 10_000,
  wal: 20_000,
};

/** Every scenario once, at sizes that only prove the harness works. */
export const SMOKE: Sizes = {
  rounds: 1,
  workers: 2,
  users: 4,
  handshakes: 20,
  idle: 20,
  presence: [10, 30],
  joins: 5,
  reconnect: 20,
  members: 4,
  senders: 2,
  messages: 40,
  wal: 200,
};

/** A bad command line: reported with the usage, without a stack trace. */
export class UsageError extends Error {}

export const USAGE = `usage: node --import tsx bench/run.ts [--smoke] [--rounds R] [--workers W] [--users U]
  [--handshakes K] [--idle N] [--presence SMALL,LARGE] [--joins M] [--reconnect S]
  [--members N] [--senders S] [--messages M] [--wal M] [--only ${SCENARIO_NAMES.join(',')}]
  [--no-redis] [--out DIR]`;

const SIZE_NAMES = [
  'rounds',
  'workers',
  'users',
  'handshakes',
  'idle',
  'joins',
  'reconnect',
  'members',
  'senders',
  'messages',
  'wal',
] as const;

export function parseOptions(argv: string[], defaultOut: string): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        smoke: { type: 'boolean', default: false },
        presence: { type: 'string' },
        only: { type: 'string' },
        'no-redis': { type: 'boolean', default: false },
        out: { type: 'string' },
        ...Object.fromEntries(SIZE_NAMES.map((name) => [name, { type: 'string' as const }])),
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const base = values.smoke ? SMOKE : FULL;
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number >= 1`);
    return n;
  };
  const sizes = Object.fromEntries(
    SIZE_NAMES.map((name) => [
      name,
      whole(name, (values as Record<string, unknown>)[name] as string, base[name]),
    ]),
  ) as Omit<Sizes, 'presence'>;
  const presenceParts = values.presence?.split(',') ?? base.presence.map(String);
  const presence = presenceParts.map((part) => whole('presence', part, 0));
  if (presence.length !== 2 || presence[0] >= presence[1])
    throw new UsageError('--presence takes two sizes, smaller first: --presence 1000,8000');
  const scenarios = (values.only?.split(',') ?? [...SCENARIO_NAMES]) as ScenarioName[];
  for (const name of scenarios)
    if (!SCENARIO_NAMES.includes(name)) throw new UsageError(`--only: unknown scenario ${name}`);
  if (sizes.senders > sizes.members) throw new UsageError('--senders must not exceed --members');
  if (sizes.messages < sizes.senders) throw new UsageError('--messages must be at least --senders');
  if (sizes.wal < sizes.senders) throw new UsageError('--wal must be at least --senders');
  return {
    ...sizes,
    presence: [presence[0], presence[1]],
    smoke: values.smoke,
    scenarios,
    redis: !values['no-redis'],
    out: values.out ?? defaultOut,
  };
}
