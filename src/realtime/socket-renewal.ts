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

/** This instance's cookie sockets of one session: renewed, checked and ended together. */
interface SessionSockets {
  /** The raw session id, kept in this process only (never in `socket.data`). */
  sid: string;
  sockets: Set<ChatSocket>;
  lastTouch: number;
  timer?: NodeJS.Timeout;
}

/** setTimeout's ceiling; a later expiry is re-checked when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long a socket's credential holds: renewal of the HTTP session on socket activity (cookie
 * sockets), and the timer that ends a socket at its expiry. The only writer of
 * `socket.data.expiresAt`, which `WsAuthGuard` reads before every event.
 *
 * Renewal is per session, not per socket: a thousand tabs of one session cost one store read and
 * write per touch interval, and one timer.
 */
@Injectable()
export class SocketRenewal implements OnModuleDestroy {
  private readonly logger = new Logger(SocketRenewal.name);
  private readonly sessions = new Map<string, SessionSockets>();
  private readonly ofSocket = new Map<string, SessionSockets>();
  /** Ticket and token sockets: nothing to renew, one timer each for their known expiry. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
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
    for (const entry of this.sessions.values()) clearTimeout(entry.timer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.sessions.clear();
    this.ofSocket.clear();
    this.timers.clear();
  }

  /**
   * Gives an authenticated socket its identity and starts tracking it, before it connects. A cookie
   * socket (`sid`) is renewed on activity and re-checked against the store; a ticket or token socket
   * has no session id to renew and ends when its known expiry passes.
   */
  track(socket: ChatSocket, { identity, expiresAt, sid }: Admission): void {
    socket.data = { ...identity, expiresAt };
    if (!sid) {
      this.scheduleSocket(socket, expiresAt);
      return;
    }
    let entry = this.sessions.get(sid);
    if (!entry) {
      entry = { sid, sockets: new Set(), lastTouch: 0 };
      this.sessions.set(sid, entry);
    } else {
      // A sibling already knows the session's current expiry.
      const sibling = entry.sockets.values().next().value;
      if (sibling) socket.data.expiresAt = sibling.data.expiresAt;
    }
    entry.sockets.add(socket);
    this.ofSocket.set(socket.id, entry);
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
    clearTimeout(this.timers.get(socket.id));
    this.timers.delete(socket.id);
    const entry = this.ofSocket.get(socket.id);
    if (!entry) return;
    this.ofSocket.delete(socket.id);
    entry.sockets.delete(socket);
    if (entry.sockets.size > 0) return;
    clearTimeout(entry.timer);
    this.sessions.delete(entry.sid);
  }

  /** Renews the HTTP session, at most once per touch interval per session. */
  private activity(socket: ChatSocket): void {
    const entry = this.ofSocket.get(socket.id);
    if (!entry || Date.now() - entry.lastTouch < this.config.sessionTouchIntervalSec * 1000) return;
    entry.lastTouch = Date.now();
    this.renew(entry).catch((error: unknown) => this.logger.warn(`session renewal failed: ${String(error)}`));
  }

  private async renew(entry: SessionSockets): Promise<void> {
    const stored = await this.getSession(entry.sid);
    if (!stored?.passport?.user) {
      this.endSession(entry, 'expired');
      return;
    }
    const idleEnd = this.lifetime.idleEnd();
    stored.cookie.expires = new Date(idleEnd);
    stored.cookie.originalMaxAge = this.config.sessionIdleTimeoutSec * 1000;
    await this.touchSession(entry.sid, stored);
    this.scheduleSession(entry, Math.min(idleEnd, this.lifetime.absoluteEnd(stored.passport.user.iat)));
  }

  private scheduleSession(entry: SessionSockets, expiresAt: number): void {
    // A renewal that finished after the last socket ended must not hold them in a timer for a day.
    if (this.sessions.get(entry.sid) !== entry) return;
    for (const socket of entry.sockets) socket.data.expiresAt = expiresAt;
    clearTimeout(entry.timer);
    entry.timer = timer(expiresAt, () =>
      this.checkSession(entry).catch((error: unknown) =>
        this.logger.warn(`session expiry check failed: ${String(error)}`),
      ),
    );
  }

  /**
   * At the expiry, ask the store: the session may have been renewed elsewhere (another tab's HTTP
   * requests). A session the store still returns has not idled out, whatever its stored
   * `cookie.expires` says: connect-redis's and connect-mongo's `touch` move only their own expiry
   * (a TTL, an `expires` field) and leave that one as the last full write set it. So a stale value
   * means "renewed since, until some time unknown", and the store is asked again one touch
   * interval (or idle timeout, if shorter) later.
   */
  private async checkSession(entry: SessionSockets): Promise<void> {
    const stored = await this.getSession(entry.sid);
    const user = stored?.passport?.user;
    if (!user) {
      this.endSession(entry, 'expired');
      return;
    }
    const now = Date.now();
    const storedIdleEnd = stored.cookie.expires ? new Date(stored.cookie.expires).getTime() : 0;
    const recheckMs = Math.min(this.config.sessionTouchIntervalSec, this.config.sessionIdleTimeoutSec) * 1000;
    const expiresAt = Math.min(
      storedIdleEnd > now ? storedIdleEnd : now + recheckMs,
      this.lifetime.absoluteEnd(user.iat),
    );
    if (expiresAt > now) this.scheduleSession(entry, expiresAt);
    else this.endSession(entry, 'expired');
  }

  private scheduleSocket(socket: ChatSocket, expiresAt: number): void {
    clearTimeout(this.timers.get(socket.id));
    this.timers.set(
      socket.id,
      timer(expiresAt, () => {
        if (Date.now() < expiresAt) this.scheduleSocket(socket, expiresAt);
        else end(socket, 'expired');
      }),
    );
  }

  private endSession(entry: SessionSockets, reason: SessionEndReason): void {
    // Ending one removes it from the set (`forget`): a Set iterates on past deleted entries.
    for (const socket of entry.sockets) end(socket, reason);
  }
}

function timer(at: number, fire: () => unknown): NodeJS.Timeout {
  return setTimeout(fire, Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS)).unref();
}

function end(socket: ChatSocket, reason: SessionEndReason): void {
  if (!socket.connected) return;
  socket.emit('session:ended', { reason });
  socket.disconnect(true);
}
