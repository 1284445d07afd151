import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { OriginPolicy } from '../auth/origin-policy.js';
import { AppException } from '../common/errors.js';
import { consumeOrRefuse } from '../common/rate-limit.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { logEvent } from '../observability/events.js';
import { API_KEY_HEADER, LIMITS } from '../protocol/limits.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';

/** Hashes have one length whatever the input, so comparing them leaks neither content nor length. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The server API's gate, in order: off without `API_KEY` (404, as if the routes did not exist);
 * a browser of another origin is refused whatever the method (an operator's key must never ride on
 * a page's request); the calls of one address are counted before the key is looked at, so guessing
 * it costs as much as using it; then the key, compared in constant time. Each call is logged as a
 * security event, never with the key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly key?: Buffer;
  private readonly policy: OriginPolicy;
  private readonly byIp: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) limiters: RateLimiterFactory,
  ) {
    this.key = config.apiKey === undefined ? undefined : digest(config.apiKey);
    this.policy = new OriginPolicy(config);
    this.byIp = limiters({
      keyPrefix: 'api-ip',
      points: config.apiRateLimit,
      durationSec: config.apiRateWindowSec,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.key) throw new AppException('NOT_FOUND');
    if (this.policy.isCrossOrigin(req)) throw new AppException('CROSS_ORIGIN');
    await consumeOrRefuse(this.byIp, req.ip ?? 'unknown', 'Too many server API calls; try again later');
    const presented = req.header(API_KEY_HEADER);
    const authorized = presented !== undefined && timingSafeEqual(digest(presented), this.key);
    logEvent('api_call', apiCall(req, authorized));
    if (!authorized) throw new AppException('UNAUTHENTICATED', `A valid ${API_KEY_HEADER} is required`);
    return true;
  }
}

/** The `api_call` security event: what was asked of whom, by which address; never the key. */
function apiCall(req: Request, authorized: boolean) {
  const params = req.params as Record<string, string | undefined>;
  const target = params.username ?? params.roomId;
  return {
    operation: `${req.method} ${String(req.route?.path ?? req.path)}`,
    // Unvalidated yet: cut to what a valid one could be, so a hostile path cannot flood the log.
    target: target?.slice(0, LIMITS.idMax),
    ip: req.ip,
    authorized,
  };
}
