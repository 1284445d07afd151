import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SessionData, Store } from 'express-session';
import { promisify } from 'node:util';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { SessionEndReason } from '../protocol/socket.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import type { SharedSession } from '../session/session-middleware.js';
import { SHARED_SESSION } from '../session/session.module.js';
import type { Admission } from './socket-authenticator.js';
import type { ChatSocket } from './socket-types.js';

interface Tracked {
  /** The raw session id of a cookie socket, kept in this process only (never in `socket.data`). */
  sid?: string;
  lastTouch: number;
  timer?: NodeJS.Timeout;
}

/** setTimeout's ceiling; a later expiry is re-checked when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long a socket's credential holds: renewal of the HTTP session on socket activity (cookie
 * sockets), and the timer that ends a socket at its expiry. The only writer of
 * `socket.data.expiresAt`, which `WsAuthGuard` reads before every event.
 */
@Injectable()
export class SocketRenewal implements OnModuleDestroy {
  private readonly logger = new Logger(SocketRenewal.name);
  private readonly tracked = new Map<string, Tracked>();
  private readonly getSession: (sid: string) => Promise<SessionData | null | undefined>;
  private readonly touchSession: (sid: string, session: SessionData) => Promise<void>;

  constructor(
    @Inject(SHARED_SESSION) session: SharedSession,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lifetime: SessionLifetime,
  ) {
    const store: Store = session.store;
    this.getSession = promisify(store.get.bind(store));
    this.touchSession = promisify((sid: string, data: SessionData, cb: (err?: unknown) => void) =>
      store.touch ? store.touch(sid, data, cb) : store.set(sid, data, cb),
    );
  }

  onModuleDestroy(): void {
    for (const entry of this.tracked.values()) clearTimeout(entry.timer);
    this.tracked.clear();
  }

  /**
   * Gives an authenticated socket its identity and starts tracking it, before it connects. A cookie
   * socket (`sid`) is renewed on activity and re-checked against the store; a ticket or token socket
   * has no session id to renew and ends when its known expiry passes.
   */
  track(socket: ChatSocket, { identity, expiresAt, sid }: Admission): void {
    socket.data = { ...identity, expiresAt };
    const entry: Tracked = { sid, lastTouch: 0 };
    this.tracked.set(socket.id, entry);
    if (!sid) this.schedule(socket, entry, expiresAt);
  }

  /** On connection: every incoming packet counts as activity. */
  start(socket: ChatSocket): void {
    socket.use((_packet, next) => {
      this.activity(socket);
      next();
    });
    this.activity(socket);
  }

  /** When the socket ends (disconnected, or its transport closed before it connected). */
  forget(socket: ChatSocket): void {
    clearTimeout(this.tracked.get(socket.id)?.timer);
    this.tracked.delete(socket.id);
  }

  /** Renews the HTTP session, at most once per touch interval per socket. */
  private activity(socket: ChatSocket): void {
    const entry = this.tracked.get(socket.id);
    if (!entry?.sid || Date.now() - entry.lastTouch < this.config.sessionTouchIntervalSec * 1000) return;
    entry.lastTouch = Date.now();
    this.renew(socket, entry, entry.sid).catch((error: unknown) =>
      this.logger.warn(`session renewal failed: ${String(error)}`),
    );
  }

  private async renew(socket: ChatSocket, entry: Tracked, sid: string): Promise<void> {
    const stored = await this.getSession(sid);
    if (!stored?.passport?.user) {
      this.end(socket, 'expired');
      return;
    }
    const idleEnd = this.lifetime.idleEnd();
    stored.cookie.expires = new Date(idleEnd);
    stored.cookie.originalMaxAge = this.config.sessionIdleTimeoutSec * 1000;
    await this.touchSession(sid, stored);
    this.schedule(socket, entry, Math.min(idleEnd, this.lifetime.absoluteEnd(stored.passport.user.iat)));
  }

  private schedule(socket: ChatSocket, entry: Tracked, expiresAt: number): void {
    socket.data.expiresAt = expiresAt;
    clearTimeout(entry.timer);
    // A renewal that finished after the socket ended must not hold it in a timer for a day.
    if (this.tracked.get(socket.id) !== entry) return;
    entry.timer = setTimeout(
      () => {
        this.checkExpiry(socket, entry).catch((error: unknown) =>
          this.logger.warn(`session expiry check failed: ${String(error)}`),
        );
      },
      Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS),
    );
    entry.timer.unref();
  }

  /**
   * At the expiry, a cookie socket asks the store (the session may have been renewed elsewhere,
   * by another tab); a ticket or token socket has nothing to ask.
   */
  private async checkExpiry(socket: ChatSocket, entry: Tracked): Promise<void> {
    let expiresAt = socket.data.expiresAt;
    if (entry.sid) {
      const stored = await this.getSession(entry.sid);
      const user = stored?.passport?.user;
      const idleEnd = stored?.cookie.expires ? new Date(stored.cookie.expires).getTime() : 0;
      expiresAt = user ? Math.min(idleEnd, this.lifetime.absoluteEnd(user.iat)) : 0;
    }
    if (expiresAt > Date.now()) this.schedule(socket, entry, expiresAt);
    else this.end(socket, 'expired');
  }

  private end(socket: ChatSocket, reason: SessionEndReason): void {
    if (!socket.connected) return;
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }
}
