import { Logger } from '@nestjs/common';

/**
 * The last line of defence, installed by `main.ts` once the app serves: a fault that escaped every
 * handler is logged as the bug it is, and the process keeps serving. Every socket callback is
 * already contained where it runs (`realtime/contained.ts`); this guard is for whatever was missed,
 * so one client's packets never become every user's outage. A fault it catches happened in one
 * request's or one socket's code, whose state may be lost; the rest of the process does not depend
 * on it.
 */
export function installProcessGuard(logger = new Logger('ProcessGuard')): void {
  process.on('unhandledRejection', (reason) => {
    logger.error(
      `unhandled rejection (a bug: every promise should be handled where it starts): ${describe(reason)}`,
    );
  });
  process.on('uncaughtException', (error, origin) => {
    logger.error(
      `uncaught exception from ${origin} (a bug: every callback should be contained): ${describe(error)}`,
    );
  });
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}
