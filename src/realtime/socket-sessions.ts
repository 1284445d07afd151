import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SessionData, Store } from 'express-session';
import { promisify } from 'node:util';
import type { SessionEndReason } from '../chat/events.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SessionEvents, type SessionRevocation } from '../session/session-events.js';
import type { SharedSession } from '../session/session-middleware.js';
import { SHARED_SESSION } from '../session/session.module.js';
import {
  cookieSessionRoom,
  sessionRoom,
  userRoom,
  type ChatNamespace,
  type ChatSocket,
} from './socket-types.js';

interface Tracked {
  /** The raw session id of a cookie socket, kept in this process only (never in `socket.data`). */
  sid?: string;
  lastTouch: number;
  timer?: NodeJS.Timeout;
}

/** setTimeout's ceiling; a later expiry is re-checked when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The life of an authenticated socket: its rooms, renewal of the HTTP session on socket activity,
 * expiry, and revocation (logout, password change) on every instance through the cluster adapter.
 */
@Injectable()
export class SocketSessions implements OnModuleDestroy {
  private readonly logger = new Logger(SocketSessions.name);
  private readonly tracked = new Map<string, Tracked>();
  private namespace?: ChatNamespace;
  private unsubscribe?: () => void;
  private readonly getSession: (sid: string) => Promise<SessionData | null | undefined>;
  private readonly touchSession: (sid: string, session: SessionData) => Promise<void>;

  constructor(
    @Inject(SHARED_SESSION) session: SharedSession,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SessionEvents,
  ) {
    const store: Store = session.store;
    this.getSession = promisify(store.get.bind(store));
    this.touchSession = promisify((sid: string, data: SessionData, cb: (err?: unknown) => void) =>
      store.touch ? store.touch(sid, data, cb) : store.set(sid, data, cb),
    );
  }

  attach(namespace: ChatNamespace): void {
    this.namespace = namespace;
    namespace.on('connection', (socket: ChatSocket) => this.onConnection(socket));
    this.unsubscribe = this.events.subscribe((revocation) => this.revoke(revocation));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const entry of this.tracked.values()) clearTimeout(entry.timer);
    this.tracked.clear();
  }

  /** A socket authenticated by the session cookie: renewable, re-checked against the store. */
  trackSession(socket: ChatSocket, sid: string): void {
    this.tracked.set(socket.id, { sid, lastTouch: 0 });
  }

  /**
   * A ticket- or token-born socket has no session id to renew or re-read: it ends when its known
   * expiry (token `exp`, or the issuing session's absolute end) passes.
   */
  trackCredential(socket: ChatSocket): void {
    const entry: Tracked = { lastTouch: 0 };
    this.tracked.set(socket.id, entry);
    this.schedule(socket, entry, socket.data.expiresAt);
    // A transport that closes before the connection completes never emits `disconnect`.
    socket.conn.once('close', () => this.forget(socket));
  }

  private onConnection(socket: ChatSocket): void {
    const { user, sessionHash: hash, via } = socket.data;
    const rooms = [userRoom(user.id), sessionRoom(hash)];
    if (via === 'session') rooms.push(cookieSessionRoom(hash));
    void socket.join(rooms);
    // The handshake request (headers, cookie, passport state) is not needed any longer.
    (socket.conn as { request?: unknown }).request = undefined;
    socket.handshake.headers = {};
    socket.handshake.auth = {};
    socket.use((_packet, next) => {
      this.activity(socket);
      next();
    });
    socket.on('disconnect', () => this.forget(socket));
    this.activity(socket);
  }

  private forget(socket: ChatSocket): void {
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
    const idleEnd = Date.now() + this.config.sessionIdleTimeoutSec * 1000;
    stored.cookie.expires = new Date(idleEnd);
    stored.cookie.originalMaxAge = this.config.sessionIdleTimeoutSec * 1000;
    await this.touchSession(sid, stored);
    this.schedule(socket, entry, Math.min(idleEnd, this.absoluteEnd(stored.passport.user.iat)));
  }

  private schedule(socket: ChatSocket, entry: Tracked, expiresAt: number): void {
    socket.data.expiresAt = expiresAt;
    clearTimeout(entry.timer);
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
      expiresAt = user ? Math.min(idleEnd, this.absoluteEnd(user.iat)) : 0;
    }
    if (expiresAt > Date.now()) this.schedule(socket, entry, expiresAt);
    else this.end(socket, 'expired');
  }

  private absoluteEnd(loggedInAt: number): number {
    return loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000;
  }

  private end(socket: ChatSocket, reason: SessionEndReason): void {
    if (!socket.connected) return;
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }

  /** Through the cluster adapter, so the sockets are found on whichever instance holds them. */
  private async revoke(revocation: SessionRevocation): Promise<void> {
    const namespace = this.namespace;
    if (!namespace) return;
    const target =
      revocation.scope === 'session'
        ? namespace.in(sessionRoom(revocation.sessionHash))
        : revocation.exceptCookieSessionHash
          ? namespace
              .in(userRoom(revocation.userId))
              .except(cookieSessionRoom(revocation.exceptCookieSessionHash))
          : namespace.in(userRoom(revocation.userId));
    target.emit('session:ended', { reason: revocation.reason });
    target.disconnectSockets(true);
  }
}
