/**
 * The floor server's storage, of the same kinds as Tether's embedded and Redis profiles: SQLite
 * through better-sqlite3 (WAL) for users, revoked sessions and messages, and an express-session
 * store (session-file-store or connect-redis) for the sessions themselves.
 */
import Database from 'better-sqlite3';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import sessionFileStore from 'session-file-store';

/** Tether's default idle timeout; sessions must outlive a benchmark run. */
export const SESSION_TTL_SEC = 86_400;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    auth_epoch INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE IF NOT EXISTS revoked_sessions (
    session_hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, author_id TEXT NOT NULL,
    text TEXT NOT NULL, client_msg_id TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (author_id, client_msg_id)
  ) STRICT;`;

/** The database with Tether's pragmas, and the statements the floor runs. */
export function openFloorDb(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'floor.db'));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return {
    upsertUser: db.prepare(
      `INSERT INTO users (id, username, display_name) VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING`,
    ),
    userByName: db.prepare(`SELECT id, username, display_name, auth_epoch FROM users WHERE username = ?`),
    userById: db.prepare(`SELECT id, username, display_name, auth_epoch FROM users WHERE id = ?`),
    isRevoked: db.prepare(`SELECT 1 AS one FROM revoked_sessions WHERE session_hash = ? AND expires_at >= ?`),
    // `.run()` steps the statement to completion, so SQLite's WAL auto-checkpoint runs.
    insertMessage: db.prepare(
      `INSERT INTO messages (room_id, author_id, text, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (author_id, client_msg_id) DO NOTHING`,
    ),
    messageByClientId: db.prepare(`SELECT * FROM messages WHERE author_id = ? AND client_msg_id = ?`),
  };
}

/** `{get, set}` (promises) over the store kind Tether uses for `kind`. */
export async function openSessionStore(kind, dataDir, redisUrl) {
  let store;
  if (kind === 'redis') {
    if (!redisUrl) throw new Error('SESSION_STORE=redis needs REDIS_URL');
    const client = createClient({ url: redisUrl });
    await client.connect();
    store = new RedisStore({ client, prefix: 'floor:sess:', ttl: SESSION_TTL_SEC });
  } else {
    const FileStore = sessionFileStore(session);
    store = new FileStore({
      path: join(dataDir, 'sessions'),
      ttl: SESSION_TTL_SEC,
      logFn: () => undefined,
      reapInterval: 3600,
    });
  }
  // Both stores take callbacks (connect-redis also returns a promise, which the callback covers).
  const settle = (resolve, reject) => (error, value) => (error ? reject(error) : resolve(value));
  return {
    get: (sid) => new Promise((resolve, reject) => void store.get(sid, settle(resolve, reject))),
    set: (sid, data) => new Promise((resolve, reject) => void store.set(sid, data, settle(resolve, reject))),
  };
}
