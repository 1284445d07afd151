import type { User } from '../protocol/models.js';

export type { User };

/** A user as the stores keep it. `passwordHash` and `authEpoch` never leave the server. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  /** Bumped whenever credentials change; sessions and tokens carrying an older epoch are void. */
  authEpoch: number;
  /** Set by an operator: a disabled user cannot log in, and nothing of theirs stands. */
  disabled: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
}

export class UsernameTakenError extends Error {
  constructor() {
    super('username taken');
    this.name = 'UsernameTakenError';
  }
}

/** Users by id and by case-insensitive username. Every implementation passes `user-store.contract.ts`. */
export interface UserStore {
  /** @throws UsernameTakenError when the username exists in any letter case. */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Sets a new hash and bumps the auth epoch; resolves to the new epoch, or null for an unknown id. */
  changePassword(id: string, passwordHash: string): Promise<number | null>;
  /**
   * Disables or enables the user. Disabling also bumps the auth epoch, so what it ended stays ended
   * once the user is enabled again. Resolves to the epoch after the change, or null for an unknown id.
   */
  setDisabled(id: string, disabled: boolean): Promise<number | null>;
  /** Bumps the auth epoch alone (every session and credential of the user is void); null for an unknown id. */
  bumpAuthEpoch(id: string): Promise<number | null>;
}

export const USER_STORE = Symbol('UserStore');

export function toPublicUser(user: User): User {
  return { id: user.id, username: user.username, displayName: user.displayName };
}
