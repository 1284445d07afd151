import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { loginFailed } from '../observability/events.js';
import { RATE_LIMITER_FACTORY } from '../storage/rate-limiter.js';
import type { RateLimiterFactory } from '../storage/rate-limiter.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';

const REFUSAL = 'Too many failed logins; try again later';

/** Answers that keep the guess's points: a disabled account is no free target for argon2 work. */
const SPENT = new Set(['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED']);

/**
 * Password guesses are counted per username and per client IP, and counted *before* the password
 * is checked: each guess first reserves a point on both keys (atomically, in memory or in Redis),
 * so however many arrive at once, at most the limit's worth ever reach argon2. Counting after the
 * check let 30 simultaneous wrong guesses through a limit of 5, and a right one among them.
 *
 * A right password gives its IP point back and clears the username's count, so a user who knows
 * their password is never blocked by someone else's failures from the same IP unless that IP
 * itself crosses its (much higher) threshold.
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

  /**
   * Runs `verify`, one password check for `username` from `ip`, under both limits. `verify`
   * rejects with INVALID_CREDENTIALS for a wrong password (or ACCOUNT_DISABLED), which keeps the
   * reserved points as the failure; any other rejection was not a verdict on the guess and gives
   * them back.
   *
   * @throws AppException RATE_LIMITED with `details.retryAfterSec`, before `verify` runs, when
   *   either key has no guess left.
   */
  async guess<T>(ip: string, username: string, verify: () => Promise<T>): Promise<T> {
    const user = username.toLowerCase();
    await consumeOrRefuse(this.byIp, ip, REFUSAL);
    try {
      await consumeOrRefuse(this.byUser, user, REFUSAL);
    } catch (error) {
      // A locked username costs its IP nothing: the guess never reached a password check.
      await this.byIp.reward(ip);
      throw error;
    }
    let result: T;
    try {
      result = await verify();
    } catch (error) {
      if (!(error instanceof AppException && SPENT.has(error.code))) {
        await Promise.all([this.byUser.reward(user), this.byIp.reward(ip)]);
      } else loginFailed({ ip });
      throw error;
    }
    await Promise.all([this.byUser.delete(user), this.byIp.reward(ip)]);
    return result;
  }

  /** An operator's unlock: forgets the failures counted against `username` (not its addresses'). */
  async unlock(username: string): Promise<void> {
    await this.byUser.delete(username.toLowerCase());
  }
}
