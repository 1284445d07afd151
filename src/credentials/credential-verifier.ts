import { Injectable } from '@nestjs/common';
import { AppException, type ErrorCode } from '../common/errors.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import { toAuthUser, type AuthUser } from '../session/session-user.js';
import { toPublicUser, type User, type UserRecord } from '../users/user-store.js';
import { TicketsService } from './tickets.service.js';
import { TokenService } from './token.service.js';

/** Socket.IO's `auth` payload; both values are untrusted and checked here. */
export interface HandshakeCredentials {
  ticket?: unknown;
  token?: unknown;
}

/** Who a ticket or token proves, and until when. */
export interface CredentialIdentity {
  user: User;
  /** Hash of the session that issued the credential. */
  sessionHash: string;
  /** ms since epoch after which the credential no longer holds. */
  expiresAt: number;
  via: 'ticket' | 'token';
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Checks the credentials a session issues (one-time tickets, access tokens) for clients without
 * its cookie. Each stays tied to the issuing session: it is good only while that session stands
 * (not revoked, same auth epoch), as `SessionLifetime` decides.
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly tickets: TicketsService,
    private readonly tokens: TokenService,
    private readonly lifetime: SessionLifetime,
  ) {}

  /** The identity a handshake's `auth.ticket` or, when it has none, `auth.token` proves. */
  async forHandshake({ ticket, token }: HandshakeCredentials): Promise<CredentialIdentity> {
    if (ticket !== undefined) {
      const grant = await this.tickets.redeem(ticket);
      const user = await this.current(grant.userId, grant.epoch, grant.sessionHash, 'TICKET_INVALID');
      // The socket cannot renew the session's idle timeout (it never learns the raw session id),
      // so it lives until the session's absolute end at most.
      const expiresAt = grant.sessionExpiresAt.getTime();
      if (expiresAt <= Date.now()) throw new AppException('TICKET_INVALID');
      return { user: toPublicUser(user), sessionHash: grant.sessionHash, expiresAt, via: 'ticket' };
    }
    if (token !== undefined) {
      const claims = await this.tokens.verify(token);
      const user = await this.current(claims.sub, claims.epoch, claims.sid, 'TOKEN_INVALID');
      return {
        user: toPublicUser(user),
        sessionHash: claims.sid,
        expiresAt: claims.exp * 1000,
        via: 'token',
      };
    }
    throw new AppException('UNAUTHENTICATED');
  }

  /** The user an `Authorization: Bearer` header proves, or null when there is no such header. */
  async forBearer(authorization: string | undefined): Promise<AuthUser | null> {
    if (!authorization?.toLowerCase().startsWith('bearer')) return null;
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AppException('TOKEN_INVALID');
    const claims = await this.tokens.verify(token);
    const user = await this.current(claims.sub, claims.epoch, claims.sid, 'TOKEN_INVALID');
    // A token does not carry its session's login time; its own issue time stands in for it.
    return toAuthUser(user, claims.iat * 1000);
  }

  private async current(
    userId: string,
    epoch: number,
    sessionHash: string,
    code: ErrorCode,
  ): Promise<UserRecord> {
    const user = await this.lifetime.currentUser(userId, epoch, sessionHash);
    if (!user) throw new AppException(code);
    return user;
  }
}
