import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { RATE_LIMITER_FACTORY } from '../storage/rate-limiter.js';
import type { RateLimiterFactory } from '../storage/rate-limiter.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';

/**
 * Failed logins are counted per username and per client IP. Only failures count, so a user who
 * knows their password is never blocked by someone else's failures from the same IP unless that
 * IP itself crosses its (much higher) threshold.
 */
@Injectable()
export class LoginLimiter {
  private readonly byUser: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) factory: RateLimiterFactory,
  ) {
    const durationSec = config.loginFailureWindowSec;
    this.byUser = factory({
      keyPrefix: 'login-fail-user',
      points: config.loginMaxFailuresPerUser,
      durationSec,
    });
    this.byIp = factory({ keyPrefix: 'login-fail-ip', points: config.loginMaxFailuresPerIp, durationSec });
  }

  /** @throws AppException RATE_LIMITED with `details.retryAfterSec` when either key is locked. */
  async assertAllowed(ip: string, username: string): Promise<void> {
    const [user, addr] = await Promise.all([this.byUser.get(userKey(username)), this.byIp.get(ip)]);
    const waits = [blockedFor(user, this.byUser.points), blockedFor(addr, this.byIp.points)].filter(
      (ms): ms is number => ms !== null,
    );
    if (waits.length > 0) {
      const retryAfterSec = Math.max(1, Math.ceil(Math.max(...waits) / 1000));
      throw new AppException('RATE_LIMITED', 'Too many failed logins; try again later', { retryAfterSec });
    }
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    await Promise.all([this.byUser.penalty(userKey(username)), this.byIp.penalty(ip)]);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.byUser.delete(userKey(username));
  }
}

const userKey = (username: string) => username.toLowerCase();

function blockedFor(res: RateLimiterRes | null, points: number): number | null {
  return res !== null && res.consumedPoints >= points && res.msBeforeNext > 0 ? res.msBeforeNext : null;
}
