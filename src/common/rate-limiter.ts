import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';

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
