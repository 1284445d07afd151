import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RATE_LIMITER_FACTORY, type RateLimiterFactory } from '../storage/rate-limiter.js';
import { USER_SOCKET_COUNTER, type UserSocketCounter } from './user-socket-counter.js';

/** What one admitted socket counts against, so that it is released exactly once. */
interface Held {
  address: string;
  userId?: string;
}

/**
 * Caps on what one client may hold: handshakes per address per window (cluster-wide with Redis),
 * sockets per address on this instance, and sockets per user (cluster-wide with Redis). A refusal
 * is an `AppException` (`RATE_LIMITED`, `TOO_MANY_CONNECTIONS`) that becomes the `connect_error`.
 * A store that fails does not refuse anyone: these caps bound resources, they do not authenticate.
 */
@Injectable()
export class SocketCaps {
  private readonly logger = new Logger(SocketCaps.name);
  private readonly handshakes: RateLimiterAbstract;
  private readonly perAddress = new Map<string, number>();
  private readonly held = new Map<string, Held>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RATE_LIMITER_FACTORY) factory: RateLimiterFactory,
    @Inject(USER_SOCKET_COUNTER) private readonly users: UserSocketCounter,
  ) {
    this.handshakes = factory({
      keyPrefix: 'handshake-ip',
      points: config.handshakeRateLimit,
      durationSec: config.handshakeRateWindowSec,
    });
  }

  /** Counts one handshake from `address`; returns the refusal when it is over the rate. */
  async screen(address: string): Promise<AppException | undefined> {
    try {
      await this.handshakes.consume(address);
      return undefined;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) {
        this.logger.warn(`handshake rate unavailable, not limiting: ${String(error)}`);
        return undefined;
      }
      return new AppException('RATE_LIMITED', 'Too many connection attempts; retry later', {
        retryAfterSec: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
      });
    }
  }

  /** Counts the socket against its address on this instance. */
  holdAddress(socketId: string, address: string): void {
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.config.socketMaxPerIp) {
      throw new AppException('TOO_MANY_CONNECTIONS', 'Too many open connections from this address');
    }
    this.perAddress.set(address, count + 1);
    this.held.set(socketId, { address });
  }

  /** Counts the socket against its user (after `holdAddress`). */
  async holdUser(socketId: string, userId: string): Promise<void> {
    let acquired: boolean;
    try {
      acquired = await this.users.acquire(userId, this.config.socketMaxPerUser);
    } catch (error) {
      this.logger.warn(`socket count per user unavailable, not limiting: ${String(error)}`);
      return;
    }
    if (!acquired) {
      throw new AppException('TOO_MANY_CONNECTIONS', 'Too many open connections for this user');
    }
    const entry = this.held.get(socketId);
    // The transport closed while Redis answered: nothing will release this count but us.
    if (entry) entry.userId = userId;
    else this.releaseUser(userId);
  }

  /** Idempotent: a socket may end by disconnecting and by its transport closing. */
  release(socketId: string): void {
    const entry = this.held.get(socketId);
    if (!entry) return;
    this.held.delete(socketId);
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
    if (entry.userId) this.releaseUser(entry.userId);
  }

  private releaseUser(userId: string): void {
    this.users.release(userId).catch((error: unknown) => {
      this.logger.warn(`releasing a socket count failed: ${String(error)}`);
    });
  }
}
