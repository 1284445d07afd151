import type { MongoClientOptions } from 'mongodb';

/**
 * Tether's MongoClient settings. Each is a default: the same option in `MONGO_URL`'s query string
 * (`?serverSelectionTimeoutMS=10000&w=2`) wins, because the driver would otherwise let these
 * override the URL.
 */
export const MONGO_CLIENT_DEFAULTS = {
  appName: 'tether',
  /**
   * How long an operation waits for a usable server (a primary, for writes) before failing. The
   * driver's 30 s would hold every request, and the boot, that long during an outage; a few seconds
   * outlast an ordinary election and then answer 503 `UNAVAILABLE`.
   * @default 5000
   */
  serverSelectionTimeoutMS: 5_000,
  /** A TCP connect or TLS handshake that takes longer is a dead host. @default 5000 */
  connectTimeoutMS: 5_000,
  /**
   * Acknowledged means on a majority: a write acknowledged by the primary alone can be rolled back
   * by the next election. A PSA replica set would default to w:1. `wtimeoutMS` bounds the wait when
   * the majority is not there (a secondary down in PSA) instead of blocking the request forever.
   * @default { w: 'majority', wtimeoutMS: 10000 }
   */
  writeConcern: { w: 'majority', wtimeoutMS: 10_000 },
} as const satisfies MongoClientOptions;

/** Query-string keys that set what `writeConcern` sets (connection-string spelling). */
const WRITE_CONCERN_KEYS = ['w', 'wtimeoutms', 'journal'];

/** `MONGO_CLIENT_DEFAULTS` without the options `url` sets itself. */
export function mongoClientOptions(url: string): MongoClientOptions {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const given = new Set([...new URLSearchParams(query).keys()].map((key) => key.toLowerCase()));
  return Object.fromEntries(
    Object.entries(MONGO_CLIENT_DEFAULTS).filter(([key]) =>
      key === 'writeConcern' ? !WRITE_CONCERN_KEYS.some((k) => given.has(k)) : !given.has(key.toLowerCase()),
    ),
  );
}
