import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from './errors.js';

/**
 * Takes one point of `key`, or refuses with RATE_LIMITED and how long to wait
 * (`details.retryAfterSec`, which the HTTP filter also sends as `Retry-After`). Consuming first is
 * atomic in memory and in Redis, so concurrent requests cannot all pass one check.
 */
export function consumeOrRefuse(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
  // One `then`, not an async function: every chat message passes here.
  return limiter.consume(key).then(accepted, (error: unknown) => {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw new AppException('RATE_LIMITED', message, {
      retryAfterSec: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
    });
  });
}

const accepted = (): void => undefined;
