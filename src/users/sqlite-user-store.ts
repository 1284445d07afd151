import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../storage/sqlite.js';
import { NewUser, UserRecord, UserStore, UsernameTakenError } from './user-store.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  auth_epoch: number;
  disabled: number;
  created_at: string;
}

const fromRow = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  authEpoch: row.auth_epoch,
  disabled: row.disabled === 1,
  createdAt: row.created_at,
});

export class SqliteUserStore implements UserStore {
  private readonly insert;
  private readonly byId;
  private readonly byUsername;
  private readonly updatePassword;
  private readonly updateDisabled;
  private readonly updateEpoch;

  constructor(db: Sqlite) {
    this.insert = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare<[string], UserRow>(`SELECT * FROM users WHERE id = ?`);
    this.byUsername = db.prepare<[string], UserRow>(`SELECT * FROM users WHERE username = ?`);
    this.updatePassword = db.prepare<[string, string], { auth_epoch: number }>(
      `UPDATE users SET password_hash = ?, auth_epoch = auth_epoch + 1 WHERE id = ? RETURNING auth_epoch`,
    );
    this.updateDisabled = db.prepare<[number, number, string], { auth_epoch: number }>(
      `UPDATE users SET disabled = ?, auth_epoch = auth_epoch + ? WHERE id = ? RETURNING auth_epoch`,
    );
    this.updateEpoch = db.prepare<[string], { auth_epoch: number }>(
      `UPDATE users SET auth_epoch = auth_epoch + 1 WHERE id = ? RETURNING auth_epoch`,
    );
  }

  async create(user: NewUser): Promise<UserRecord> {
    const record: UserRecord = {
      id: randomUUID(),
      authEpoch: 0,
      disabled: false,
      createdAt: new Date().toISOString(),
      ...user,
    };
    try {
      this.insert.run(record.id, record.username, record.displayName, record.passwordHash, record.createdAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError();
      throw error;
    }
    return record;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = this.byId.get(id);
    return row ? fromRow(row) : null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = this.byUsername.get(username);
    return row ? fromRow(row) : null;
  }

  async changePassword(id: string, passwordHash: string): Promise<number | null> {
    return this.updatePassword.all(passwordHash, id)[0]?.auth_epoch ?? null;
  }

  async setDisabled(id: string, disabled: boolean): Promise<number | null> {
    // `.all()`: a RETURNING statement read with `.get()` is never finished (see docs).
    const flag = disabled ? 1 : 0;
    return this.updateDisabled.all(flag, flag, id)[0]?.auth_epoch ?? null;
  }

  async bumpAuthEpoch(id: string): Promise<number | null> {
    return this.updateEpoch.all(id)[0]?.auth_epoch ?? null;
  }
}
