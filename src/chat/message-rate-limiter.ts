import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Messages per user per window, over all of the user's sockets. */
@Injectable()
export class MessageRateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) factory: RateLimiterFactory,
  ) {
    this.limiter = factory({
      keyPrefix: 'chat-messages',
      points: config.messageRateLimit,
      durationSec: config.messageRateWindowSec,
    });
  }

  async consume(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new AppException('RATE_LIMITED', 'Sending too fast; slow down', {
        retryAfterSec: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
      });
    }
  }
}
