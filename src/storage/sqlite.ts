import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Sqlite = Database.Database;

export const SQLITE = Symbol('Sqlite');

/**
 * A bound LIMIT or OFFSET, written `LIMIT ${limitParam()}` (`limitParam('@limit')` when named).
 * SQLite plans with the value of a bare parameter there, so it prepares such a statement again
 * every time it is bound: about 25 µs a query, five times the query itself, on every history read
 * and room:join. The same value inside an expression is planned once.
 */
export const limitParam = (param = '?'): string => `CAST(${param} AS INTEGER)`;

/** What the WAL file is cut back to after a checkpoint (SQLite checkpoints every 1,000 pages, ~4 MB). */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Opens (creating if needed) the embedded database in WAL mode and brings its schema up to date.
 * Several processes may share the file: WAL lets readers run beside the one writer, and the busy
 * timeout makes a writer wait for the lock instead of failing.
 *
 * A statement that writes must be stepped to its end (`.run()`, or `.all()` for `RETURNING`):
 * `.get()` leaves it open, its transaction never ends, and the WAL is never checkpointed.
 */
export function openSqlite(dataDir: string, fileName = 'tether.db'): Sqlite {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // A checkpoint resets the WAL for reuse but leaves the file at its largest size; this truncates
  // it back after each one, so one burst of writes does not keep its disk space for good.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Sqlite): void {
  // IMMEDIATE takes the write lock up front, so two processes booting together cannot both
  // decide that the same migration is pending.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]);
    }
    if (current < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
