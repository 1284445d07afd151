import { Inject, Injectable } from '@nestjs/common';
import type { SocketData } from '../chat/events.js';
import { AppException, type ErrorCode } from '../common/errors.js';
import { REVOKED_SESSIONS, type RevokedSessionStore } from '../session/revoked-sessions.js';
import { toPublicUser, type UserRecord } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { TicketsService } from './tickets/tickets.service.js';
import { TokenService } from './tokens/token.service.js';

/** Socket.IO's `auth` payload; both values are untrusted and checked here. */
export interface HandshakeCredentials {
  ticket?: unknown;
  token?: unknown;
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Credentials a session hands out (tickets, access tokens) for clients without its cookie. Each
 * stays tied to the issuing session: it is good only while that session is not revoked (logout)
 * and the user's auth epoch is the one it was issued under (password change).
 */
@Injectable()
export class DerivedCredentials {
  constructor(
    private readonly tickets: TicketsService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    @Inject(REVOKED_SESSIONS) private readonly revoked: RevokedSessionStore,
  ) {}

  /** The identity a handshake's `auth.ticket` or, when it has none, `auth.token` proves. */
  async forHandshake({ ticket, token }: HandshakeCredentials): Promise<SocketData> {
    if (ticket !== undefined) {
      const grant = await this.tickets.redeem(ticket);
      const user = await this.current(grant.userId, grant.epoch, grant.sessionHash, 'TICKET_INVALID');
      // The socket cannot renew the session's idle timeout (it never learns the raw session id),
      // so it lives until the session's absolute end at most.
      const expiresAt = grant.sessionExpiresAt.getTime();
      if (expiresAt <= Date.now()) throw new AppException('TICKET_INVALID', 'Ticket invalid');
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
    throw new AppException('UNAUTHENTICATED', 'Authentication required');
  }

  /** The user an `Authorization: Bearer` header proves, or null when there is no such header. */
  async forBearer(authorization: string | undefined): Promise<AuthUser | null> {
    if (!authorization?.toLowerCase().startsWith('bearer')) return null;
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AppException('TOKEN_INVALID', 'Token invalid');
    const claims = await this.tokens.verify(token);
    const user = await this.current(claims.sub, claims.epoch, claims.sid, 'TOKEN_INVALID');
    // A token does not carry its session's login time; its own issue time stands in for it.
    return { ...toPublicUser(user), epoch: user.authEpoch, loggedInAt: claims.iat * 1000 };
  }

  private async current(
    userId: string,
    epoch: number,
    sessionHash: string,
    code: ErrorCode,
  ): Promise<UserRecord> {
    const [user, isRevoked] = await Promise.all([
      this.users.findById(userId),
      this.revoked.isRevoked(sessionHash),
    ]);
    if (!user || user.authEpoch !== epoch || isRevoked) {
      throw new AppException(code, code === 'TICKET_INVALID' ? 'Ticket invalid' : 'Token invalid');
    }
    return user;
  }
}
