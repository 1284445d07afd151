import { Store, type SessionData } from 'express-session';
import type { Sqlite } from '../storage/sqlite.js';
import { sessionHash } from './session-hash.js';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** Expired rows are deleted by the first write after this long. */
const PURGE_EVERY_MS = 60_000;

/**
 * express-session's store on the embedded database: one row per session, under the hash of its id
 * (an id is a bearer secret, and a hash cannot name a path or anything else), its idle end in an
 * indexed column. A read past that end finds nothing; `touch` rewrites the row in place (data and
 * end, so the stored `cookie.expires` is never stale) and cannot bring back a destroyed session.
 */
export class SqliteSessionStore extends Store {
  private readonly read;
  private readonly write;
  private readonly renew;
  private readonly remove;
  private readonly purge;
  private purgedAt = 0;

  constructor(
    db: Sqlite,
    private readonly ttlSec: number,
  ) {
    super();
    this.read = db.prepare<[string, number], { data: string }>(
      `SELECT data FROM sessions WHERE session_hash = ? AND expires_at > ?`,
    );
    this.write = db.prepare<[string, string, number]>(
      `INSERT INTO sessions (session_hash, data, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (session_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
    );
    this.renew = db.prepare<[string, number, string]>(
      `UPDATE sessions SET data = ?, expires_at = ? WHERE session_hash = ?`,
    );
    this.remove = db.prepare<[string]>(`DELETE FROM sessions WHERE session_hash = ?`);
    this.purge = db.prepare<[number]>(`DELETE FROM sessions WHERE expires_at <= ?`);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    answer(callback, () => {
      const row = this.read.get(sessionHash(sid), Date.now());
      return row ? (JSON.parse(row.data) as SessionData) : null;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    answer(callback, () => {
      const now = Date.now();
      if (now - this.purgedAt >= PURGE_EVERY_MS) {
        this.purgedAt = now;
        this.purge.run(now);
      }
      this.write.run(sessionHash(sid), JSON.stringify(session), this.expiryOf(session, now));
    });
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    answer(callback, () => {
      this.renew.run(JSON.stringify(session), this.expiryOf(session, Date.now()), sessionHash(sid));
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    answer(callback, () => {
      this.remove.run(sessionHash(sid));
    });
  }

  private expiryOf(session: SessionData, now: number): number {
    const expires = session.cookie?.expires;
    return expires ? new Date(expires).getTime() : now + this.ttlSec * 1000;
  }
}

/** Runs a synchronous statement and answers on a later tick, as the network stores do. */
function answer<T>(callback: Callback<T> | undefined, work: () => T): void {
  let value: T;
  try {
    value = work();
  } catch (error) {
    process.nextTick(() => callback?.(error));
    return;
  }
  process.nextTick(() => callback?.(null, value));
}
