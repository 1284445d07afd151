import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Connections } from './connections.js';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  durationSec: number;
}

/** Makes a limiter's backing store: memory by default, shared (Redis) when a cluster must agree. */
export type RateLimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const RATE_LIMITER_FACTORY = Symbol('RateLimiterFactory');

export const memoryRateLimiterFactory: RateLimiterFactory = ({ keyPrefix, points, durationSec }) =>
  new RateLimiterMemory({ keyPrefix, points, duration: durationSec });

/** Redis when the profile has it, so every instance counts the same failures and messages. */
export function rateLimiterFactoryFor(connections: Connections): RateLimiterFactory {
  const redis = connections.redis;
  if (!redis) return memoryRateLimiterFactory;
  return ({ keyPrefix, points, durationSec }) =>
    new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      keyPrefix: `tether:${keyPrefix}`,
      points,
      duration: durationSec,
    });
}
