import { LIMITS } from '../protocol/limits.js';
import type { Message, Reaction, User } from '../protocol/models.js';
import { limitParam, type Sqlite } from '../storage/sqlite.js';
import { groupCommitOf } from '../storage/sqlite-group-commit.js';
import { formatMessageId, parseMessageId } from './message-id.js';
import { ReactionLimitError, type AppliedChange, type MessageChangeStore } from './message-changes.js';
import { messageFromRow, type MessageRow } from './sqlite-message-row.js';

interface ReactionRow {
  emoji: string;
  n: number;
  user_id: string;
  user_name: string;
  user_display: string;
}

/**
 * Each change is one IMMEDIATE transaction (the write lock: SQLite's room lock, across processes
 * too) that takes its `rev` from the AUTOINCREMENT counter of message ids, so creations and
 * changes share one increasing sequence and the next message's id is larger still.
 */
export class SqliteMessageChanges implements MessageChangeStore {
  private readonly byId;
  private readonly nextRev;
  private readonly setText;
  private readonly tombstone;
  private readonly dropReactions;
  private readonly addReaction;
  private readonly removeReaction;
  private readonly emojiCount;
  private readonly hasEmoji;
  private readonly summary;
  private readonly setReactions;
  private readonly newest;
  private readonly since;
  // The connection's queued message appends (`storage/sqlite-group-commit.ts`), settled before each read.
  private readonly appends;

  constructor(private readonly db: Sqlite) {
    this.appends = groupCommitOf(db);
    this.byId = db.prepare<[number, string], MessageRow>(
      `SELECT * FROM messages WHERE seq = ? AND room_id = ?`,
    );
    // SQLite documents sqlite_sequence as writable; AUTOINCREMENT never hands out a value at or
    // below it, so a rev taken here is never reused as an id.
    this.nextRev = db.prepare<[], { seq: number }>(
      `UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq`,
    );
    this.setText = db.prepare<[string, string, number, number]>(
      `UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE seq = ?`,
    );
    this.tombstone = db.prepare<[number, number]>(
      `UPDATE messages SET text = '', edited_at = NULL, deleted = 1, reactions = '[]', rev = ? WHERE seq = ?`,
    );
    this.dropReactions = db.prepare<[number]>(`DELETE FROM message_reactions WHERE message_seq = ?`);
    this.addReaction = db.prepare<[number, string, string, string, string]>(
      `INSERT INTO message_reactions (message_seq, emoji, user_id, user_name, user_display)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.removeReaction = db.prepare<[number, string, string]>(
      `DELETE FROM message_reactions WHERE message_seq = ? AND emoji = ? AND user_id = ?`,
    );
    this.emojiCount = db.prepare<[number], { n: number }>(
      `SELECT count(DISTINCT emoji) AS n FROM message_reactions WHERE message_seq = ?`,
    );
    this.hasEmoji = db.prepare<[number, string], { one: number }>(
      `SELECT 1 AS one FROM message_reactions WHERE message_seq = ? AND emoji = ? LIMIT 1`,
    );
    // Emoji in the order first used, each with its exact count and its first users.
    this.summary = db.prepare<[number, number], ReactionRow>(
      `SELECT emoji, n, user_id, user_name, user_display FROM (
         SELECT *, count(*) OVER byEmoji AS n, min(rowid) OVER byEmoji AS first,
                row_number() OVER (PARTITION BY emoji ORDER BY rowid) AS k
         FROM message_reactions WHERE message_seq = ? WINDOW byEmoji AS (PARTITION BY emoji)
       ) WHERE k <= ? ORDER BY first, k`,
    );
    this.setReactions = db.prepare<[string, number, number]>(
      `UPDATE messages SET reactions = ?, rev = ? WHERE seq = ?`,
    );
    this.newest = db.prepare<[string], { rev: number }>(
      `SELECT coalesce(rev, seq) AS rev FROM messages WHERE room_id = ?
       ORDER BY coalesce(rev, seq) DESC LIMIT 1`,
    );
    this.since = db.prepare<[string, number, number, number], MessageRow>(
      `SELECT * FROM messages WHERE room_id = ? AND coalesce(rev, seq) > ? AND coalesce(rev, seq) <= ?
       ORDER BY coalesce(rev, seq) LIMIT ${limitParam()}`,
    );
  }

  async find(roomId: string, messageId: string): Promise<Message | null> {
    this.appends.settle();
    const row = this.byId.get(parseMessageId(messageId), roomId);
    return row ? messageFromRow(row) : null;
  }

  async edit(roomId: string, messageId: string, text: string, at: Date): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, (row) => {
      if (row.deleted) return false;
      if (row.text === text) return true;
      this.setText.run(text, at.toISOString(), this.rev(), row.seq);
      return 'changed';
    });
  }

  async remove(roomId: string, messageId: string): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, (row) => {
      if (row.deleted) return true;
      this.dropReactions.run(row.seq);
      this.tombstone.run(this.rev(), row.seq);
      return 'changed';
    });
  }

  async react(
    roomId: string,
    messageId: string,
    emoji: string,
    user: User,
    maxEmoji: number,
  ): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, (row) => {
      if (row.deleted) return false;
      if (!this.hasEmoji.get(row.seq, emoji) && this.emojiCount.get(row.seq)!.n >= maxEmoji) {
        throw new ReactionLimitError(maxEmoji);
      }
      const { changes } = this.addReaction.run(row.seq, emoji, user.id, user.username, user.displayName);
      return changes > 0 ? this.resummarize(row.seq) : true;
    });
  }

  async unreact(
    roomId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, (row) => {
      if (row.deleted) return false;
      return this.removeReaction.run(row.seq, emoji, userId).changes > 0 ? this.resummarize(row.seq) : true;
    });
  }

  async head(roomId: string): Promise<string> {
    this.appends.settle();
    return formatMessageId(this.newest.get(roomId)?.rev ?? 0);
  }

  async changesSince(roomId: string, since: string, upTo: string, limit: number): Promise<Message[]> {
    this.appends.settle();
    return this.since.all(roomId, parseMessageId(since), parseMessageId(upTo), limit).map(messageFromRow);
  }

  /**
   * Runs `apply` on the row under the write lock: it answers `false` (refused: null), `true`
   * (already so: unchanged) or `'changed'`, after which the row is read again.
   */
  private change(
    roomId: string,
    messageId: string,
    apply: (row: MessageRow) => boolean | 'changed',
  ): AppliedChange | null {
    this.appends.settle();
    const seq = parseMessageId(messageId);
    return this.db
      .transaction((): AppliedChange | null => {
        const row = this.byId.get(seq, roomId);
        if (!row) return null;
        const outcome = apply(row);
        if (outcome === false) return null;
        if (outcome === true) return { message: messageFromRow(row), changed: false };
        return { message: messageFromRow(this.byId.get(seq, roomId)!), changed: true };
      })
      .immediate();
  }

  /** Rewrites the message's reaction summary under a fresh rev. */
  private resummarize(seq: number): 'changed' {
    const reactions: Reaction[] = [];
    for (const row of this.summary.all(seq, LIMITS.reactionUsersShown)) {
      let reaction = reactions.at(-1);
      if (reaction?.emoji !== row.emoji)
        reactions.push((reaction = { emoji: row.emoji, count: row.n, users: [] }));
      reaction.users.push({ id: row.user_id, username: row.user_name, displayName: row.user_display });
    }
    this.setReactions.run(JSON.stringify(reactions), this.rev(), seq);
    return 'changed';
  }

  private rev(): number {
    return this.nextRev.all()[0].seq;
  }
}
