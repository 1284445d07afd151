import type { Sqlite } from '../storage/sqlite.js';
import type { RevokedSessionStore } from './revoked-session-store.js';

export class SqliteRevokedSessionStore implements RevokedSessionStore {
  private readonly insert;
  private readonly purge;
  private readonly lookup;

  constructor(db: Sqlite) {
    this.insert = db.prepare<[string, number]>(
      `INSERT INTO revoked_sessions (session_hash, expires_at) VALUES (?, ?)
       ON CONFLICT (session_hash) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    );
    this.purge = db.prepare<[number]>(`DELETE FROM revoked_sessions WHERE expires_at < ?`);
    this.lookup = db.prepare<[string, number], { one: number }>(
      `SELECT 1 AS one FROM revoked_sessions WHERE session_hash = ? AND expires_at >= ?`,
    );
  }

  async revoke(sessionHash: string, until: Date): Promise<void> {
    this.purge.run(Date.now());
    this.insert.run(sessionHash, until.getTime());
  }

  async isRevoked(sessionHash: string): Promise<boolean> {
    return this.lookup.get(sessionHash, Date.now()) !== undefined;
  }
}
