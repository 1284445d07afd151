/**
 * Ordered schema migrations for the embedded SQLite store. Append only: a shipped migration is
 * never edited, because databases in the field have already applied it.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id            TEXT PRIMARY KEY,
     username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
     display_name  TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     auth_epoch    INTEGER NOT NULL DEFAULT 0,
     created_at    TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE rooms (
     id          TEXT PRIMARY KEY,
     name        TEXT NOT NULL,
     visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
     owner_id    TEXT NOT NULL,
     created_at  TEXT NOT NULL
   ) STRICT;
   CREATE TABLE room_members (
     room_id  TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
     user_id  TEXT NOT NULL,
     PRIMARY KEY (room_id, user_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX room_members_by_user ON room_members (user_id);
   CREATE TABLE messages (
     seq            INTEGER PRIMARY KEY AUTOINCREMENT,
     room_id        TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
     author_id      TEXT NOT NULL,
     author_name    TEXT NOT NULL,
     author_display TEXT NOT NULL,
     text           TEXT NOT NULL,
     client_msg_id  TEXT NOT NULL,
     created_at     TEXT NOT NULL,
     UNIQUE (author_id, client_msg_id)
   ) STRICT;
   CREATE INDEX messages_by_room ON messages (room_id, seq);`,
  `CREATE TABLE revoked_sessions (
     session_hash TEXT PRIMARY KEY,
     expires_at   INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;`,
  `CREATE TABLE tickets (
     ticket_hash        TEXT PRIMARY KEY,
     user_id            TEXT NOT NULL,
     session_hash       TEXT NOT NULL,
     auth_epoch         INTEGER NOT NULL,
     session_expires_at INTEGER NOT NULL,
     expires_at         INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX tickets_by_expiry ON tickets (expires_at);`,
  // The cap on rooms per owner counts them; GET /rooms pages by (created_at, id).
  `CREATE INDEX rooms_by_owner ON rooms (owner_id);
   CREATE INDEX rooms_by_creation ON rooms (created_at, id);`,
  // An operator disables an account through the server API.
  `ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));`,
  // express-session data (SESSION_STORE=sqlite), under the hash of the session id, never the id.
  `CREATE TABLE sessions (
     session_hash TEXT PRIMARY KEY,
     data         TEXT NOT NULL,
     expires_at   INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX sessions_by_expiry ON sessions (expires_at);`,
];
