import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SessionData, Store } from 'express-session';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import type { AuthUser } from '../auth/auth-user.js';
import { DerivedCredentials, type HandshakeCredentials } from '../auth/derived-credentials.js';
import type { SessionEndReason } from '../chat/events.js';
import { toApiError, type ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SessionEvents, type SessionRevocation } from '../session/session-events.js';
import { sessionHash } from '../session/session-hash.js';
import type { SharedSession } from '../session/session-middleware.js';
import { SHARED_SESSION } from '../session/session.module.js';
import { toPublicUser } from '../users/user-store.js';
import { sessionRoom, userRoom, type ChatNamespace, type ChatSocket } from './socket-types.js';

type HandshakeRequest = IncomingMessage & { user?: AuthUser; sessionID?: string };

interface Tracked {
  /** The raw session id, kept in this process only (never in `socket.data`, which may travel). */
  sid: string;
  lastTouch: number;
  timer?: NodeJS.Timeout;
}

/** setTimeout's ceiling; a later expiry is re-checked when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a refused transport may take to read its CONNECT_ERROR before it is cut. */
const REFUSED_GRACE_MS = 2_000;

/**
 * Everything that ties a socket to the HTTP session that opened it: handshake authentication,
 * session renewal on socket activity, expiry, and revocation (logout, password change) on every
 * instance through the cluster adapter.
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
    @Inject(SHARED_SESSION) private readonly session: SharedSession,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SessionEvents,
    private readonly derived: DerivedCredentials,
  ) {
    const store: Store = session.store;
    this.getSession = promisify(store.get.bind(store));
    this.touchSession = promisify((sid: string, data: SessionData, cb: (err?: unknown) => void) =>
      store.touch ? store.touch(sid, data, cb) : store.set(sid, data, cb),
    );
  }

  /** Installs authentication and lifecycle handling on the namespace. */
  attach(namespace: ChatNamespace): void {
    this.namespace = namespace;
    namespace.use((socket, next) => this.authenticate(socket as ChatSocket, next));
    namespace.on('connection', (socket: ChatSocket) => this.onConnection(socket));
    this.unsubscribe = this.events.subscribe((revocation) => this.revoke(revocation));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const entry of this.tracked.values()) clearTimeout(entry.timer);
    this.tracked.clear();
  }

  /** Refuses a connection: CONNECT_ERROR with `{code, message}`, then the transport is closed. */
  static refuse(socket: ChatSocket, next: (err?: Error) => void, code: ErrorCode, message: string): void {
    const conn = socket.conn;
    next(Object.assign(new Error(message), { data: { code, message } }));
    // Socket.IO queues the CONNECT_ERROR on the next tick; close() waits for it to be written.
    setImmediate(() => conn.close());
    setTimeout(() => conn.close(true), REFUSED_GRACE_MS).unref();
  }

  /**
   * `auth.ticket`, then `auth.token`, then the session cookie: a client that presents a ticket or
   * token is judged by it alone, even when a cookie rides along.
   */
  private authenticate(socket: ChatSocket, next: (err?: Error) => void): void {
    const auth = socket.handshake.auth as HandshakeCredentials;
    if (auth.ticket === undefined && auth.token === undefined) {
      this.authenticateSession(socket, next);
      return;
    }
    this.derived.forHandshake(auth).then(
      (identity) => {
        socket.data = identity;
        this.expireWithCredential(socket);
        next();
      },
      (error: unknown) => {
        const { status, body } = toApiError(error);
        if (status >= 500) this.logger.error(`handshake credential check failed: ${String(error)}`);
        SocketSessions.refuse(socket, next, body.code, body.message);
      },
    );
  }

  /**
   * A ticket- or token-born socket has no session id to renew or re-read: it ends when its known
   * expiry (token `exp`, or the issuing session's absolute end) passes.
   */
  private expireWithCredential(socket: ChatSocket): void {
    const wait = Math.min(Math.max(socket.data.expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (!socket.connected) return;
      if (Date.now() < socket.data.expiresAt) this.expireWithCredential(socket);
      else this.end(socket, 'expired');
    }, wait);
    timer.unref();
    // A transport that closes before the connection completes never emits `disconnect`.
    const stop = () => {
      clearTimeout(timer);
      socket.conn.off('close', stop);
    };
    socket.once('disconnect', stop);
    socket.conn.once('close', stop);
  }

  private authenticateSession(socket: ChatSocket, next: (err?: Error) => void): void {
    const req = socket.request as HandshakeRequest;
    if (!req.user || !req.sessionID) {
      const expired = this.session.hasSignedCookie(req);
      SocketSessions.refuse(
        socket,
        next,
        expired ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED',
        expired ? 'Session expired; log in again' : 'Authentication required',
      );
      return;
    }
    socket.data = {
      user: toPublicUser(req.user),
      sessionHash: sessionHash(req.sessionID),
      expiresAt: this.absoluteEnd(req.user.loggedInAt),
      via: 'session',
    };
    this.tracked.set(socket.id, { sid: req.sessionID, lastTouch: 0 });
    next();
  }

  private onConnection(socket: ChatSocket): void {
    const { user, sessionHash: hash } = socket.data;
    void socket.join([userRoom(user.id), sessionRoom(hash)]);
    // The handshake request (headers, cookie, passport state) is not needed any longer.
    (socket.conn as { request?: unknown }).request = undefined;
    socket.handshake.headers = {};
    socket.handshake.auth = {};
    socket.use((_packet, next) => {
      this.activity(socket);
      next();
    });
    socket.on('disconnect', () => {
      clearTimeout(this.tracked.get(socket.id)?.timer);
      this.tracked.delete(socket.id);
    });
    this.activity(socket);
  }

  /** Renews the HTTP session, at most once per touch interval per socket. */
  private activity(socket: ChatSocket): void {
    const entry = this.tracked.get(socket.id);
    if (!entry || Date.now() - entry.lastTouch < this.config.sessionTouchIntervalSec * 1000) return;
    entry.lastTouch = Date.now();
    this.renew(socket, entry).catch((error: unknown) =>
      this.logger.warn(`session renewal failed: ${String(error)}`),
    );
  }

  private async renew(socket: ChatSocket, entry: Tracked): Promise<void> {
    const stored = await this.getSession(entry.sid);
    if (!stored?.passport?.user) {
      this.end(socket, 'expired');
      return;
    }
    const idleEnd = Date.now() + this.config.sessionIdleTimeoutSec * 1000;
    stored.cookie.expires = new Date(idleEnd);
    stored.cookie.originalMaxAge = this.config.sessionIdleTimeoutSec * 1000;
    await this.touchSession(entry.sid, stored);
    this.schedule(socket, entry, Math.min(idleEnd, this.absoluteEnd(stored.passport.user.iat)));
  }

  /** When the expiry passes, the store decides: renewed elsewhere (another tab) or over. */
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

  private async checkExpiry(socket: ChatSocket, entry: Tracked): Promise<void> {
    const stored = await this.getSession(entry.sid);
    const user = stored?.passport?.user;
    const idleEnd = stored?.cookie.expires ? new Date(stored.cookie.expires).getTime() : 0;
    const expiresAt = user ? Math.min(idleEnd, this.absoluteEnd(user.iat)) : 0;
    if (expiresAt > Date.now()) this.schedule(socket, entry, expiresAt);
    else this.end(socket, 'expired');
  }

  private absoluteEnd(loggedInAt: number): number {
    return loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000;
  }

  private end(socket: ChatSocket, reason: SessionEndReason): void {
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
        : revocation.exceptSessionHash
          ? namespace.in(userRoom(revocation.userId)).except(sessionRoom(revocation.exceptSessionHash))
          : namespace.in(userRoom(revocation.userId));
    target.emit('session:ended', { reason: revocation.reason });
    target.disconnectSockets(true);
  }
}
