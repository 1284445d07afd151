import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AuthUser } from '../auth/auth-user.js';
import { DerivedCredentials, type HandshakeCredentials } from '../auth/derived-credentials.js';
import { toApiError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { sessionHash } from '../session/session-hash.js';
import type { SharedSession } from '../session/session-middleware.js';
import { SHARED_SESSION } from '../session/session.module.js';
import { toPublicUser } from '../users/user-store.js';
import { refuseConnection } from './socket-refusal.js';
import { SocketSessions } from './socket-sessions.js';
import type { ChatNamespace, ChatSocket } from './socket-types.js';

type HandshakeRequest = IncomingMessage & { user?: AuthUser; sessionID?: string };

/**
 * Namespace middleware (guards do not run on connection): `auth.ticket`, then `auth.token`, then
 * the session cookie that the engine middlewares already turned into `req.user`. A client that
 * presents a ticket or token is judged by it alone, even when a cookie rides along.
 */
@Injectable()
export class SocketAuthenticator {
  private readonly logger = new Logger(SocketAuthenticator.name);

  constructor(
    @Inject(SHARED_SESSION) private readonly session: SharedSession,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly derived: DerivedCredentials,
    private readonly sessions: SocketSessions,
  ) {}

  attach(namespace: ChatNamespace): void {
    namespace.use((socket, next) => this.authenticate(socket as ChatSocket, next));
  }

  private authenticate(socket: ChatSocket, next: (err?: Error) => void): void {
    const auth = socket.handshake.auth as HandshakeCredentials;
    if (auth.ticket === undefined && auth.token === undefined) {
      this.bySession(socket, next);
      return;
    }
    this.derived.forHandshake(auth).then(
      (identity) => {
        socket.data = identity;
        this.sessions.trackCredential(socket);
        next();
      },
      (error: unknown) => {
        const { status, body } = toApiError(error);
        if (status >= 500) this.logger.error(`handshake credential check failed: ${String(error)}`);
        refuseConnection(socket, next, body.code, body.message);
      },
    );
  }

  private bySession(socket: ChatSocket, next: (err?: Error) => void): void {
    const req = socket.request as HandshakeRequest;
    if (!req.user || !req.sessionID) {
      const expired = this.session.hasSignedCookie(req);
      refuseConnection(
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
      expiresAt: req.user.loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000,
      via: 'session',
    };
    this.sessions.trackSession(socket, req.sessionID);
    next();
  }
}
