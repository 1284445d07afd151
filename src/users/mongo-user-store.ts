import { randomUUID } from 'node:crypto';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { NewUser, UserRecord, UserStore, UsernameTakenError } from './user-store.js';

interface UserDocument {
  _id: string;
  username: string;
  /** Carries the unique index that makes usernames case-insensitive (see `ensureMongoIndexes`). */
  usernameLower: string;
  displayName: string;
  passwordHash: string;
  authEpoch: number;
  /** Absent on users created before accounts could be disabled. */
  disabled?: boolean;
  createdAt: string;
}

// ASCII only, as SQLite's NOCASE: String#toLowerCase would also fold e.g. the Kelvin sign into "k".
const fold = (username: string) => username.replace(/[A-Z]/g, (c) => c.toLowerCase());

const fromDocument = (document: UserDocument): UserRecord => ({
  id: document._id,
  username: document.username,
  displayName: document.displayName,
  passwordHash: document.passwordHash,
  authEpoch: document.authEpoch,
  disabled: document.disabled === true,
  createdAt: document.createdAt,
});

/** Needs the indexes of `ensureMongoIndexes`. */
export class MongoUserStore implements UserStore {
  private readonly users: Collection<UserDocument>;

  constructor(db: Db) {
    this.users = db.collection<UserDocument>(MONGO_COLLECTIONS.users);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const record: UserRecord = {
      id: randomUUID(),
      authEpoch: 0,
      disabled: false,
      createdAt: new Date().toISOString(),
      ...user,
    };
    const { id, ...rest } = record;
    try {
      await this.users.insertOne({ _id: id, usernameLower: fold(user.username), ...rest });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new UsernameTakenError();
      throw error;
    }
    return record;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const document = await this.users.findOne({ _id: id });
    return document && fromDocument(document);
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const document = await this.users.findOne({ usernameLower: fold(username) });
    return document && fromDocument(document);
  }

  async changePassword(id: string, passwordHash: string): Promise<number | null> {
    const document = await this.users.findOneAndUpdate(
      { _id: id },
      { $set: { passwordHash }, $inc: { authEpoch: 1 } },
      { returnDocument: 'after', projection: { authEpoch: 1 } },
    );
    return document?.authEpoch ?? null;
  }

  async setDisabled(id: string, disabled: boolean): Promise<number | null> {
    return this.updateEpoch(id, { $set: { disabled }, $inc: { authEpoch: disabled ? 1 : 0 } });
  }

  async bumpAuthEpoch(id: string): Promise<number | null> {
    return this.updateEpoch(id, { $inc: { authEpoch: 1 } });
  }

  private async updateEpoch(id: string, update: UpdateFilter<UserDocument>): Promise<number | null> {
    const document = await this.users.findOneAndUpdate({ _id: id }, update, {
      returnDocument: 'after',
      projection: { authEpoch: 1 },
    });
    return document?.authEpoch ?? null;
  }
}
