import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { rateLimited } from '../observability/events.js';
import type { Connections } from './connections.js';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  durationSec: number;
}

/** Makes a limiter's backing store: memory by default, shared (Redis) when a cluster must agree. */
export type RateLimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const RATE_LIMITER_FACTORY = Symbol('RateLimiterFactory');

export const memoryRateLimiterFactory: RateLimiterFactory = (options) =>
  observed(new RateLimiterMemory({ ...common(options) }), options.keyPrefix);

/** Redis when the profile has it, so every instance counts the same failures and messages. */
export function rateLimiterFactoryFor(connections: Connections): RateLimiterFactory {
  const redis = connections.redis;
  if (!redis) return memoryRateLimiterFactory;
  return (options) =>
    observed(
      new RateLimiterRedis({
        ...common(options),
        storeClient: redis,
        useRedisPackage: true,
        keyPrefix: `tether:${options.keyPrefix}`,
      }),
      options.keyPrefix,
    );
}

const common = ({ keyPrefix, points, durationSec }: LimiterOptions) => ({
  keyPrefix,
  points,
  duration: durationSec,
});

/**
 * Every refusal of every limiter, whoever asked it, becomes one `rate_limited` (or `login_locked`)
 * event and one `tether_rate_limited_total{limit}`: a limit added later is observed too.
 */
function observed<L extends RateLimiterAbstract>(limiter: L, name: string): L {
  const consume = limiter.consume.bind(limiter);
  const counted = (error: unknown): never => {
    if (error instanceof RateLimiterRes) rateLimited(name);
    throw error;
  };
  limiter.consume = (key, points, options) => consume(key, points, options).catch(counted);
  return limiter;
}
