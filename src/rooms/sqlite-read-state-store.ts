import { limitParam, type Sqlite } from '../storage/sqlite.js';
import { groupCommitOf } from '../storage/sqlite-group-commit.js';
import { formatMessageId, parseMessageId } from './message-id.js';
import type { MarkerMove, ReadState, ReadStateStore } from './read-state-store.js';

export class SqliteReadStateStore implements ReadStateStore {
  private readonly newestUpTo;
  private readonly advance;
  private readonly marker;
  private readonly unread;
  private readonly mentioned;
  private readonly insertMention;
  private readonly recordAll;
  // The connection's queued message appends (`storage/sqlite-group-commit.ts`), settled before each read.
  private readonly appends;

  constructor(db: Sqlite) {
    this.appends = groupCommitOf(db);
    this.newestUpTo = db.prepare<[string, number], { seq: number }>(
      `SELECT seq FROM messages WHERE room_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1`,
    );
    this.advance = db.prepare<[string, string, number]>(
      `INSERT INTO read_markers (user_id, room_id, last_seq) VALUES (?, ?, ?)
       ON CONFLICT (user_id, room_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)`,
    );
    this.marker = db.prepare<[string, string], { last_seq: number }>(
      `SELECT last_seq FROM read_markers WHERE user_id = ? AND room_id = ?`,
    );
    // Both walk an index range after the marker, and stop at the cap.
    this.unread = db.prepare<[string, number, string, number], { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM messages WHERE room_id = ? AND seq > ? AND author_id <> ? LIMIT ${limitParam()}
       )`,
    );
    this.mentioned = db.prepare<[string, string, number, number], { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM mentions WHERE user_id = ? AND room_id = ? AND seq > ? LIMIT ${limitParam()}
       )`,
    );
    this.insertMention = db.prepare<[string, string, number]>(
      `INSERT OR IGNORE INTO mentions (user_id, room_id, seq) VALUES (?, ?, ?)`,
    );
    this.recordAll = db.transaction((roomId: string, seq: number, userIds: readonly string[]) => {
      for (const userId of userIds) this.insertMention.run(userId, roomId, seq);
    });
  }

  async markRead(userId: string, roomId: string, messageId: string): Promise<MarkerMove> {
    this.appends.settle();
    const before = this.marker.get(userId, roomId)?.last_seq ?? 0;
    const newest = this.newestUpTo.get(roomId, parseMessageId(messageId));
    if (newest && newest.seq > before) this.advance.run(userId, roomId, newest.seq);
    const after = this.marker.get(userId, roomId)?.last_seq ?? 0;
    return { lastReadId: after === 0 ? null : formatMessageId(after), moved: after > before };
  }

  async stateOf(userId: string, roomIds: readonly string[], cap: number): Promise<ReadState[]> {
    this.appends.settle();
    return roomIds.map((roomId) => {
      const seq = this.marker.get(userId, roomId)?.last_seq ?? 0;
      return {
        lastReadId: seq === 0 ? null : formatMessageId(seq),
        unreadCount: this.unread.get(roomId, seq, userId, cap)!.n,
        mentionCount: this.mentioned.get(userId, roomId, seq, cap)!.n,
      };
    });
  }

  async recordMentions(roomId: string, messageId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length > 0) this.recordAll(roomId, parseMessageId(messageId), userIds);
  }
}
