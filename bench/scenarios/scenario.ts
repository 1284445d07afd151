import type { ClientPool } from '../clients/pool.js';
import { epochMs } from '../clock.js';
import type { Options, ScenarioName } from '../options.js';
import { quiet } from '../settle.js';
import type { ServerName, Target } from '../targets/targets.js';

/** A measured figure, or why there is none (a server without that part, a missing binary). */
export type Value = number | { reason: string };

export type Unit = 'ms' | 'KB' | 'B' | '/s' | 'count' | 'x' | 'share';

export interface FigureDef {
  key: string;
  label: string;
  unit: Unit;
  /** Which way is better; `none` for context such as the client's CPU share. */
  better: 'lower' | 'higher' | 'none';
  /** False where a ratio to bare means nothing (a growth factor, a near-zero residue). @default true */
  compare?: boolean;
}

/** The servers a round measures; the Redis variants carry a reason when there is no Redis. */
export interface Targets {
  bare: Target;
  floor: Target;
  tether: Target;
  floorRedis: Target | { reason: string };
  tetherRedis: Target | { reason: string };
  /** Tether with `SESSION_STORE=sqlite` (handshake storm only). */
  tetherSqlite: Target | { reason: string };
}

export interface RunContext {
  options: Options;
  pool: ClientPool;
  targets: Targets;
  /** 1-based. */
  round: number;
  log(line: string): void;
}

export type RoundValues = Record<ServerName, Record<string, Value>>;

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What is measured and how, for the report (markdown). */
  about(options: Options): string;
  figures(options: Options): FigureDef[];
  /** False for a scenario measured once per run (the WAL's size does not vary with the machine). */
  perRound: boolean;
  run(context: RunContext): Promise<RoundValues>;
}

/** `items` rotated by the round, so each server goes first (and last) equally often. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const k = (round - 1) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export interface Phase<T> {
  result: T;
  /** Server CPU of the phase, the server's idle rate (pings of idle sockets) subtracted. */
  serverCpuMs: number;
  /** Bytes the server allocated on its JS heap during the phase. */
  allocatedBytes: number;
  clientCpuMs: number;
  /** From the start of `work` until it resolved. */
  wallMs: number;
}

/**
 * Runs `work` between two quiet points of the server (bench/settle.ts), so the phase's CPU
 * includes what the work set off after its last client-visible answer and nothing before it.
 */
export async function measured<T>(
  target: Target,
  pool: ClientPool,
  work: () => Promise<T>,
): Promise<Phase<T>> {
  const probe = target.server.probe;
  // Full GCs first, so the setup's garbage is not collected on the phase's account; then the
  // allocation counter, whose reading costs the server CPU that must not count either.
  await probe.heap();
  const allocBefore = await probe.allocatedBytes();
  const before = await quiet(probe);
  const clientBefore = await pool.cpuMs();
  const startedAt = epochMs();
  const result = await work();
  const wallMs = epochMs() - startedAt;
  const clientCpuMs = (await pool.cpuMs()) - clientBefore;
  const after = await quiet(probe);
  const allocatedBytes = (await probe.allocatedBytes()) - allocBefore;
  const busy = after.start.cpuMs - before.end.cpuMs;
  return {
    result,
    serverCpuMs: busy - before.idleRate * (after.start.at - before.end.at),
    allocatedBytes,
    clientCpuMs,
    wallMs,
  };
}

/** `count` sockets' cookies, dealt from the target's users in turn. */
export async function cookiesFor(target: Target, users: number, count: number): Promise<(string | null)[]> {
  const cookies = await target.cookies(users);
  return Array.from({ length: count }, (_, i) => cookies[i % cookies.length]);
}
