import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { PasswordHasher } from './password-hasher.js';
import { USER_STORE, UsernameTakenError } from './user-store.js';
import type { UserRecord, UserStore } from './user-store.js';

@Injectable()
export class UsersService {
  constructor(
    @Inject(USER_STORE) private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
  ) {}

  async register(input: { username: string; password: string; displayName?: string }): Promise<UserRecord> {
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.users.create({
        username: input.username,
        displayName: input.displayName ?? input.username,
        passwordHash,
      });
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new AppException('CONFLICT', 'Username is taken');
      throw error;
    }
  }

  /**
   * The user when the password matches; null otherwise, after the same amount of hashing work.
   * @throws AppException ACCOUNT_DISABLED for a disabled user whatever the password: the real hash
   *   is never checked, so the answer says nothing about the password (the dummy keeps the timing).
   */
  async authenticate(username: string, password: string): Promise<UserRecord | null> {
    const user = await this.users.findByUsername(username);
    if (user?.disabled) {
      await this.hasher.verify(undefined, password);
      throw new AppException('ACCOUNT_DISABLED');
    }
    return (await this.hasher.verify(user?.passwordHash, password)) ? user : null;
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.users.findById(id);
  }

  findByUsername(username: string): Promise<UserRecord | null> {
    return this.users.findByUsername(username);
  }

  /** Resolves to the user's new auth epoch. */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<number> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new AppException('INVALID_CREDENTIALS', 'Current password is wrong');
    }
    const epoch = await this.users.changePassword(userId, await this.hasher.hash(newPassword));
    if (epoch === null) throw new AppException('UNAUTHENTICATED');
    return epoch;
  }

  /** An operator's reset: no current password; resolves to the new auth epoch. */
  async resetPassword(userId: string, newPassword: string): Promise<number> {
    return found(await this.users.changePassword(userId, await this.hasher.hash(newPassword)));
  }

  async setDisabled(userId: string, disabled: boolean): Promise<number> {
    return found(await this.users.setDisabled(userId, disabled));
  }

  /** Voids every session and credential of the user at its next use. */
  async bumpAuthEpoch(userId: string): Promise<number> {
    return found(await this.users.bumpAuthEpoch(userId));
  }
}

function found(epoch: number | null): number {
  if (epoch === null) throw new AppException('NOT_FOUND', 'User not found');
  return epoch;
}
