import { BeforeApplicationShutdown, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../storage/connections.js';

/** How many sockets each user holds open: per instance in memory, cluster-wide in Redis. */
export interface UserSocketCounter {
  /** Counts one more socket for the user unless it holds `cap` already; false when refused. */
  acquire(userId: string, cap: number): Promise<boolean>;
  release(userId: string): Promise<void>;
}

export const USER_SOCKET_COUNTER = Symbol('UserSocketCounter');

export class MemoryUserSocketCounter implements UserSocketCounter {
  private readonly counts = new Map<string, number>();

  acquire(userId: string, cap: number): Promise<boolean> {
    const held = this.counts.get(userId) ?? 0;
    if (held >= cap) return Promise.resolve(false);
    this.counts.set(userId, held + 1);
    return Promise.resolve(true);
  }

  release(userId: string): Promise<void> {
    const left = (this.counts.get(userId) ?? 0) - 1;
    if (left > 0) this.counts.set(userId, left);
    else this.counts.delete(userId);
    return Promise.resolve();
  }
}

/** This instance proves it is alive this often, and counts as gone this long after its last proof. */
const HEARTBEAT_MS = 10_000;
const ALIVE_FOR_MS = 30_000;

const NOW_MS = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS: user hash, instances hash. ARGV: this instance, cap, key lifetime (ms). 1 = counted. */
const ACQUIRE = `${NOW_MS}
local entries = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #entries, 2 do
  local owner = entries[i]
  if owner == ARGV[1] or tonumber(redis.call('HGET', KEYS[2], owner) or '0') > now then
    total = total + tonumber(entries[i + 1])
  else
    redis.call('HDEL', KEYS[1], owner)
  end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS: user hash. ARGV: this instance. */
const RELEASE = `if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1`;

/** KEYS: instances hash. ARGV: this instance, how long it counts as alive (ms). */
const HEARTBEAT = `${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  if tonumber(entries[i + 1]) < now then redis.call('HDEL', KEYS[1], entries[i]) end
end
return 1`;

/**
 * Cluster-wide counts in Redis: one hash per user holding each instance's count, summed over the
 * instances that are alive (a heartbeat in a second hash, on Redis's clock). A crashed instance's
 * sockets stop counting once its heartbeat lapses; each process counts under an id of its own, so
 * a restarted instance never inherits its predecessor's counts.
 */
export class RedisUserSocketCounter implements UserSocketCounter, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RedisUserSocketCounter.name);
  private readonly owner: string;
  private timer?: NodeJS.Timeout;

  /** @param keyLifetimeMs no socket outlives its session's absolute end, so neither need its count */
  constructor(
    private readonly redis: RedisClient,
    instanceId: string,
    private readonly keyLifetimeMs: number,
    private readonly prefix = 'tether:sockets',
  ) {
    this.owner = `${instanceId}:${randomUUID()}`;
  }

  async onModuleInit(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.heartbeat().catch((error: unknown) =>
        this.logger.warn(`socket count heartbeat failed: ${String(error)}`),
      );
    }, HEARTBEAT_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Every socket of this instance is closing: stop counting them at once.
    await this.redis.hDel(this.instancesKey, this.owner).catch((error: unknown) => {
      this.logger.warn(`could not drop this instance's socket counts: ${String(error)}`);
    });
  }

  async acquire(userId: string, cap: number): Promise<boolean> {
    const counted = await this.redis.eval(ACQUIRE, {
      keys: [this.userKey(userId), this.instancesKey],
      arguments: [this.owner, String(cap), String(this.keyLifetimeMs)],
    });
    return counted === 1;
  }

  async release(userId: string): Promise<void> {
    await this.redis.eval(RELEASE, { keys: [this.userKey(userId)], arguments: [this.owner] });
  }

  private async heartbeat(): Promise<void> {
    await this.redis.eval(HEARTBEAT, {
      keys: [this.instancesKey],
      arguments: [this.owner, String(ALIVE_FOR_MS)],
    });
  }

  private get instancesKey(): string {
    return `${this.prefix}:instances`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}:user:${userId}`;
  }
}
