import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { UserRecord } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { REVOKED_SESSIONS, type RevokedSessionStore } from './revoked-session-store.js';

/**
 * When a session ends and whether it still stands. Everything that holds a session, or a credential
 * a session issued (tickets, tokens, sockets), asks here rather than redoing the arithmetic.
 */
@Injectable()
export class SessionLifetime {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    @Inject(REVOKED_SESSIONS) private readonly revoked: RevokedSessionStore,
  ) {}

  /** The instant a session that logged in at `loggedInAt` ends, however active it is. */
  absoluteEnd(loggedInAt: number): number {
    return loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000;
  }

  /** The instant a session active at `at` ends unless something renews it. */
  idleEnd(at = Date.now()): number {
    return at + this.config.sessionIdleTimeoutSec * 1000;
  }

  isPastAbsoluteEnd(loggedInAt: number, now = Date.now()): boolean {
    return now > this.absoluteEnd(loggedInAt);
  }

  /**
   * The user behind a session (or behind a credential that session issued), if it still stands:
   * the user exists and is not disabled, carries the auth epoch the session began under (no
   * password change or revocation since), and the session was not revoked (logout).
   */
  async currentUser(userId: string, epoch: number, sessionHash: string): Promise<UserRecord | null> {
    const [user, isRevoked] = await Promise.all([
      this.users.findById(userId),
      this.revoked.isRevoked(sessionHash),
    ]);
    return user !== null && !user.disabled && user.authEpoch === epoch && !isRevoked ? user : null;
  }

  /** Remembers a session as ended until it could no longer have been valid anyway. */
  revoke(sessionHash: string, loggedInAt: number): Promise<void> {
    return this.revoked.revoke(sessionHash, new Date(this.absoluteEnd(loggedInAt)));
  }
}
