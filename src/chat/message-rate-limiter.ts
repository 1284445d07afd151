import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../common/rate-limit.js';
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

  consume(userId: string): Promise<void> {
    return consumeOrRefuse(this.limiter, userId, 'Sending too fast; slow down');
  }
}
