import type { Logger } from '@nestjs/common';

/**
 * Runs a callback that Socket.IO, engine.io or a timer calls (a middleware, a listener, a timer),
 * so that nothing it throws or rejects reaches the process: there, one client's packets would be
 * every user's outage. The fault is logged with what was running, then `onFault` (e.g. ending the
 * socket concerned) runs, itself contained.
 */
export function contained(logger: Logger, what: string, run: () => unknown, onFault?: () => void): void {
  try {
    const result = run();
    if (isThenable(result)) result.then(undefined, (error: unknown) => fault(logger, what, error, onFault));
  } catch (error) {
    fault(logger, what, error, onFault);
  }
}

function fault(logger: Logger, what: string, error: unknown, onFault?: () => void): void {
  logger.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (!onFault) return;
  try {
    onFault();
  } catch (remedyError) {
    logger.error(`${what}: recovering from the fault failed too: ${String(remedyError)}`);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
