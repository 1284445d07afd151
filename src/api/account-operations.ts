import { Injectable } from '@nestjs/common';
import { LoginLimiter } from '../auth/login-limiter.js';
import { AppException } from '../common/errors.js';
import type { RegisterInput } from '../protocol/http.js';
import { SessionEvents, type SessionEndReason } from '../session/session-events.js';
import { toPublicUser, type User, type UserRecord } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';

/**
 * What an operator does to accounts. Ending a user's sessions needs no list of them: a new auth
 * epoch (or the disabled flag) voids every session, ticket and token at its next use, as
 * `SessionLifetime.currentUser` decides, and the revocation ends their live sockets on every
 * instance now.
 */
@Injectable()
export class AccountOperations {
  constructor(
    private readonly users: UsersService,
    private readonly sessionEvents: SessionEvents,
    private readonly limiter: LoginLimiter,
  ) {}

  /** Whatever `REGISTRATION` says. */
  async create(input: RegisterInput): Promise<User> {
    return toPublicUser(await this.users.register(input));
  }

  async unlock(username: string): Promise<void> {
    await this.existing(username);
    await this.limiter.unlock(username);
  }

  async disable(username: string): Promise<void> {
    const user = await this.existing(username);
    await this.users.setDisabled(user.id, true);
    await this.ended(user, 'disabled');
  }

  /** Sessions the disabling ended stay ended: it moved the auth epoch on. */
  async enable(username: string): Promise<void> {
    await this.users.setDisabled((await this.existing(username)).id, false);
  }

  async revokeSessions(username: string): Promise<void> {
    const user = await this.existing(username);
    await this.users.bumpAuthEpoch(user.id);
    await this.ended(user, 'revoked');
  }

  async resetPassword(username: string, newPassword: string): Promise<void> {
    const user = await this.existing(username);
    await this.users.resetPassword(user.id, newPassword);
    await this.ended(user, 'password_changed');
  }

  private async existing(username: string): Promise<UserRecord> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new AppException('NOT_FOUND', 'User not found');
    return user;
  }

  private ended(user: UserRecord, reason: SessionEndReason): Promise<void> {
    return this.sessionEvents.publish({ scope: 'user', userId: user.id, reason });
  }
}
