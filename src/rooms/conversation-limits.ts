import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';

/**
 * Every room change fans out to other users' sockets and every read marker is a store write:
 * both are counted per user, over all of the user's sockets and requests.
 */
@Injectable()
export class ConversationLimits {
  private readonly writes: RateLimiterAbstract;
  private readonly reads: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) limiters: RateLimiterFactory,
  ) {
    this.writes = limiters({
      keyPrefix: 'room-write-user',
      points: config.roomWriteRateLimit,
      durationSec: config.roomWriteRateWindowSec,
    });
    this.reads = limiters({
      keyPrefix: 'read-marker-user',
      points: config.readMarkerRateLimit,
      durationSec: config.readMarkerRateWindowSec,
    });
  }

  /** @throws AppException RATE_LIMITED */
  write(userId: string): Promise<void> {
    return consumeOrRefuse(this.writes, userId, 'Changing rooms too fast; try again later');
  }

  /** @throws AppException RATE_LIMITED */
  read(userId: string): Promise<void> {
    return consumeOrRefuse(this.reads, userId, 'Marking read too fast; try again later');
  }
}
