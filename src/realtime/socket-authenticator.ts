import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CredentialVerifier, type HandshakeCredentials } from '../credentials/credential-verifier.js';
import { AppException } from '../common/errors.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import type { SharedSession } from '../session/session-middleware.js';
import type { AuthUser } from '../session/session-user.js';
import { SHARED_SESSION } from '../session/session.module.js';
import { toPublicUser } from '../users/user-store.js';
import type { ChatSocket, SocketData } from './socket-types.js';

type HandshakeRequest = IncomingMessage & { user?: AuthUser; sessionID?: string };

/** Who a handshake proves: the socket's identity, until when, and the raw session id of a cookie socket. */
export interface Admission {
  identity: Omit<SocketData, 'expiresAt'>;
  expiresAt: number;
  /** Kept in this process only (never in `socket.data`), to renew the session. */
  sid?: string;
}

/**
 * Decides who a connecting socket is: `auth.ticket`, then `auth.token`, then the session cookie that
 * the engine middlewares already turned into `req.user`. A client that presents a ticket or token is
 * judged by it alone, even when a cookie rides along. Refusals throw an `AppException`.
 */
@Injectable()
export class SocketAuthenticator {
  constructor(
    @Inject(SHARED_SESSION) private readonly session: SharedSession,
    private readonly credentials: CredentialVerifier,
    private readonly lifetime: SessionLifetime,
  ) {}

  async authenticate(socket: ChatSocket): Promise<Admission> {
    const auth = socket.handshake.auth as HandshakeCredentials;
    if (auth.ticket === undefined && auth.token === undefined) return this.bySession(socket);
    const { expiresAt, ...identity } = await this.credentials.forHandshake(auth);
    return { identity, expiresAt };
  }

  private bySession(socket: ChatSocket): Admission {
    const req = socket.request as HandshakeRequest;
    if (!req.user || !req.sessionID) {
      throw new AppException(this.session.hasSignedCookie(req) ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED');
    }
    return {
      identity: { user: toPublicUser(req.user), sessionHash: sessionHash(req.sessionID), via: 'session' },
      expiresAt: this.lifetime.absoluteEnd(req.user.loggedInAt),
      sid: req.sessionID,
    };
  }
}
