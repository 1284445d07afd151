import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LIMITS } from '../protocol/limits.js';
import type { SearchQuery, SearchResponse } from '../protocol/message-http.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';
import { MESSAGE_SEARCH, type MessageSearch } from './message-search.js';
import { RoomsService } from './rooms.service.js';
import { parseSearchQuery } from './search-query.js';

/** `GET /search`: the query parsed into words and phrases, pages at most `LIMITS.searchDepthMax` deep. */
@Injectable()
export class MessageSearchService {
  private readonly perUser: RateLimiterAbstract;

  constructor(
    @Inject(MESSAGE_SEARCH) private readonly store: MessageSearch,
    private readonly rooms: RoomsService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) limiters: RateLimiterFactory,
  ) {
    this.perUser = limiters({
      keyPrefix: 'search-user',
      points: config.searchRateLimit,
      durationSec: config.searchRateWindowSec,
    });
  }

  /**
   * @throws AppException RATE_LIMITED (counted before anything is read), NOT_FOUND (a `roomId` the
   * user cannot see), VALIDATION (no word in `q`)
   */
  async search(userId: string, query: SearchQuery): Promise<SearchResponse> {
    await consumeOrRefuse(this.perUser, userId, 'Searching too fast; try again later');
    if (query.roomId !== undefined) await this.rooms.getVisible(query.roomId, userId);
    const phrases = parseSearchQuery(query.q);
    if (phrases.length === 0) {
      throw new AppException('VALIDATION', 'Invalid request', [
        { field: 'q', message: 'must contain a word' },
      ]);
    }
    const offset = query.cursor ?? 0;
    const limit = Math.min(query.limit, LIMITS.searchDepthMax - offset);
    if (limit <= 0) return { results: [], nextCursor: null };
    // One more than asked tells whether a next page exists.
    const results = await this.store.search({
      phrases,
      userId,
      roomId: query.roomId,
      before: query.before,
      limit: limit + 1,
      offset,
    });
    const more = results.length > limit && offset + limit < LIMITS.searchDepthMax;
    results.length = Math.min(results.length, limit);
    return { results, nextCursor: more ? String(offset + limit) : null };
  }
}
