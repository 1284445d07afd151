import { epochMs } from './clock.js';
import type { Probe } from './targets/managed-server.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long a server may take to finish a phase's work before the run fails. Generous: Tether's
 * presence work is quadratic in a room's size, and on a shared machine under heavy load closing
 * 8,000 sockets took over two minutes.
 */
const SETTLE_TIMEOUT_MS = 600_000;

/** Polls `check` every `intervalMs` until it holds; fails after `timeoutMs` naming `what`. */
export async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  { intervalMs = 50, timeoutMs = SETTLE_TIMEOUT_MS } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

/** Waits until the server holds at most `count` TCP sockets (its clients have gone). */
export function socketsAtMost(probe: Probe, count: number): Promise<void> {
  return pollUntil(
    `the server to hold at most ${count} TCP sockets`,
    async () => (await probe.tcpSockets()) <= count,
  );
}

interface Reading {
  cpuMs: number;
  at: number;
}

export interface Quiet {
  /** The server's CPU (ms) when it went quiet, and the time of that reading... */
  start: Reading;
  /** ...and the last reading, once it had stayed quiet long enough. */
  end: Reading;
  /** CPU ms per ms while quiet: idle sockets' pings and timers, for subtraction. */
  idleRate: number;
}

const WINDOW_MS = 100;
const QUIET_WINDOWS = 2;
/** Below 5% of a core the server is only keeping idle sockets alive. */
const QUIET_SHARE = 0.05;

/**
 * Waits until the server has used less than 5% of a core for two 100 ms windows in a row. A phase
 * measured from one quiet point's `end` to the next one's `start` includes what the phase set off
 * after its last client-visible answer (closing handshakes, session writes, presence updates),
 * and nothing of what came before.
 */
export async function quiet(probe: Probe, timeoutMs = SETTLE_TIMEOUT_MS): Promise<Quiet> {
  const deadline = Date.now() + timeoutMs;
  const read = async (): Promise<Reading> => ({ cpuMs: await probe.cpuMs(), at: epochMs() });
  let previous = await read();
  let start = previous;
  let quietWindows = 0;
  for (;;) {
    await pause(WINDOW_MS);
    const now = await read();
    if ((now.cpuMs - previous.cpuMs) / (now.at - previous.at) <= QUIET_SHARE) {
      if (quietWindows === 0) start = previous;
      quietWindows += 1;
      if (quietWindows >= QUIET_WINDOWS)
        return { start, end: now, idleRate: (now.cpuMs - start.cpuMs) / (now.at - start.at) };
    } else {
      quietWindows = 0;
    }
    if (Date.now() > deadline) throw new Error(`the server did not go quiet within ${timeoutMs} ms`);
    previous = now;
  }
}
