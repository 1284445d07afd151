import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';

const OUT_OF_REACH = [
  ClientOfflineError,
  ClientClosedError,
  ConnectionTimeoutError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  ReconnectStrategyError,
  TimeoutError,
];

/** node-redis's own words for a full command queue (`commandsQueueMaxLength`); it has no class. */
const QUEUE_FULL = 'The queue is full';

/**
 * Whether a node-redis error says Redis is out of reach (disconnected, reconnecting, a command
 * that timed out waiting, the queue full) rather than that the command was wrong: a 503.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return OUT_OF_REACH.some((type) => error instanceof type) || error.message === QUEUE_FULL;
}
