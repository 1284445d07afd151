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
  // Conversations. The CHECK on rooms.visibility cannot change without rebuilding a table that
  // members and messages reference, so a direct room is stored 'private' (members only, which it
  // is) with the key of its pair, unique: two users opening it at once, in any process, get one.
  // An archived room (its last member left) keeps its history and no longer counts for its owner.
  // joined_at orders the members an owner's room is handed over to; '' sorts rows from before.
  `ALTER TABLE rooms ADD COLUMN topic TEXT;
   ALTER TABLE rooms ADD COLUMN direct_key TEXT;
   ALTER TABLE rooms ADD COLUMN archived_at TEXT;
   CREATE UNIQUE INDEX rooms_by_direct_key ON rooms (direct_key) WHERE direct_key IS NOT NULL;
   ALTER TABLE room_members ADD COLUMN joined_at TEXT NOT NULL DEFAULT '';
   CREATE INDEX room_members_by_join ON room_members (room_id, joined_at, user_id);
   CREATE TABLE read_markers (
     user_id   TEXT NOT NULL,
     room_id   TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
     last_seq  INTEGER NOT NULL,
     PRIMARY KEY (user_id, room_id)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE mentions (
     user_id  TEXT NOT NULL,
     room_id  TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
     seq      INTEGER NOT NULL,
     PRIMARY KEY (user_id, room_id, seq)
   ) STRICT, WITHOUT ROWID;`,
  // Messages that change (edits, tombstones, reactions) and the room change position `rev`: NULL
  // until the first change, when it takes a fresh value of the message id sequence (see
  // `sqlite-message-changes.ts`); a message's position is coalesce(rev, seq). The full-text index
  // follows `text` through triggers, so whatever writes messages keeps it in sync.
  `ALTER TABLE messages ADD COLUMN rev INTEGER;
   ALTER TABLE messages ADD COLUMN edited_at TEXT;
   ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
   CREATE INDEX messages_by_room_rev ON messages (room_id, coalesce(rev, seq));
   CREATE TABLE message_reactions (
     message_seq  INTEGER NOT NULL REFERENCES messages(seq) ON DELETE CASCADE,
     emoji        TEXT NOT NULL,
     user_id      TEXT NOT NULL,
     user_name    TEXT NOT NULL,
     user_display TEXT NOT NULL,
     UNIQUE (message_seq, emoji, user_id)
   ) STRICT;
   CREATE VIRTUAL TABLE messages_fts USING fts5(
     text, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
   );
   CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
     INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
   END;
   CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
   END;
   CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
     INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
     INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
   END;
   INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');`,
  // express-session data (SESSION_STORE=sqlite), under the hash of the session id, never the id.
  `CREATE TABLE sessions (
     session_hash TEXT PRIMARY KEY,
     data         TEXT NOT NULL,
     expires_at   INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX sessions_by_expiry ON sessions (expires_at);`,
];
