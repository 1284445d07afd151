import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';

/**
 * Registrations per client IP, taken before the password is hashed: each costs an argon2id hash
 * (19 MiB, ~tens of ms of a core), and 160 of them from one IP in under two seconds made every
 * other login 20x slower. Every registration that passes validation counts, taken or not.
 */
@Injectable()
export class RegistrationLimiter {
  private readonly byIp: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) factory: RateLimiterFactory,
  ) {
    this.byIp = factory({
      keyPrefix: 'register-ip',
      points: config.registerRateLimit,
      durationSec: config.registerRateWindowSec,
    });
  }

  /** @throws AppException RATE_LIMITED with `details.retryAfterSec` */
  consume(ip: string): Promise<void> {
    return consumeOrRefuse(this.byIp, ip, 'Too many registrations from this address; try again later');
  }
}
