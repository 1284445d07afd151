import { createClient } from 'redis';
import { StartupError } from '../../config/startup-error.js';

/**
 * Tether's node-redis settings: every wait has an end, so an outage answers 503 within seconds
 * instead of holding requests, and a boot against an unreachable `REDIS_URL` fails instead of
 * hanging (node-redis retries a first connection forever by default).
 */
export const REDIS_CLIENT_DEFAULTS = {
  /** A TCP connect (and the hello) that takes longer is a dead host. @default 2000 */
  connectTimeoutMs: 2_000,
  /** Attempts at boot before giving up with a StartupError. @default 4 */
  bootAttempts: 4,
  /** Reconnect delay: doubles from 100 ms up to this cap, for as long as it takes once booted. @default 2000 */
  maxReconnectDelayMs: 2_000,
  /**
   * How long a command may wait to be written. While the connection is down the request client
   * refuses at once (no offline queue); this bounds a command stuck behind a full socket.
   * @default 2000
   */
  commandTimeoutMs: 2_000,
  /**
   * Commands queued or awaiting a reply on one connection; past it a command fails at once,
   * rather than the queue growing with the load while Redis is slow.
   * @default 10000
   */
  maxQueued: 10_000,
};

const create = (url: string, options: Parameters<typeof createClient>[0]) =>
  createClient({ url, ...options });
export type RedisClient = ReturnType<typeof create>;

/** `host:port` of a Redis URL, for messages: the URL itself may carry a password. */
export function redisAddress(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}

/**
 * A connected client, or a StartupError naming REDIS_URL after `bootAttempts`. `offlineQueue`:
 * whether commands wait for a reconnection (bounded by the timeout and the queue length) or fail
 * at once. Requests want to fail at once; the cluster adapter's stream reader must wait, because
 * it polls in a loop that would spin on an immediate failure.
 */
export async function connectRedis(
  url: string,
  { offlineQueue = false, defaults = REDIS_CLIENT_DEFAULTS } = {},
): Promise<RedisClient> {
  let connected = false;
  const client = create(url, {
    disableOfflineQueue: !offlineQueue,
    commandsQueueMaxLength: defaults.maxQueued,
    commandOptions: { timeout: defaults.commandTimeoutMs },
    socket: {
      connectTimeout: defaults.connectTimeoutMs,
      reconnectStrategy: (retries, cause) =>
        !connected && retries + 1 >= defaults.bootAttempts
          ? cause
          : Math.min(100 * 2 ** retries, defaults.maxReconnectDelayMs),
    },
  });
  // Without a listener a lost connection would crash the process; the owner adds its own.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new StartupError(
      `REDIS_URL: no Redis server answered at ${redisAddress(url)} after ${defaults.bootAttempts} attempts (${reason})`,
      { cause: error },
    );
  }
  connected = true;
  return client;
}
