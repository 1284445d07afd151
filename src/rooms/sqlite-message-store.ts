import type { Sqlite } from '../storage/sqlite.js';
import type { Message } from '../protocol/models.js';
import { formatMessageId, parseMessageId } from './message-id.js';
import type { MessageQuery, MessageStore, NewMessage } from './message-store.js';

interface MessageRow {
  seq: number;
  room_id: string;
  author_id: string;
  author_name: string;
  author_display: string;
  text: string;
  client_msg_id: string;
  created_at: string;
}

const fromRow = (row: MessageRow): Message => ({
  id: formatMessageId(row.seq),
  roomId: row.room_id,
  author: { id: row.author_id, username: row.author_name, displayName: row.author_display },
  text: row.text,
  clientMsgId: row.client_msg_id,
  createdAt: row.created_at,
});

export class SqliteMessageStore implements MessageStore {
  private readonly insert;
  private readonly byClientId;
  private readonly latest;
  private readonly afterCursor;

  constructor(db: Sqlite) {
    // The unique (author_id, client_msg_id) constraint settles concurrent retries, across
    // processes too: the loser inserts nothing and reads the winner's row.
    this.insert = db.prepare<[string, string, string, string, string, string, string], MessageRow>(
      `INSERT INTO messages (room_id, author_id, author_name, author_display, text, client_msg_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (author_id, client_msg_id) DO NOTHING
       RETURNING *`,
    );
    this.byClientId = db.prepare<[string, string], MessageRow>(
      `SELECT * FROM messages WHERE author_id = ? AND client_msg_id = ?`,
    );
    this.latest = db.prepare<[string, number, number, number], MessageRow>(
      `SELECT * FROM (
         SELECT * FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?
       ) ORDER BY seq`,
    );
    this.afterCursor = db.prepare<[string, number, number, number], MessageRow>(
      `SELECT * FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`,
    );
  }

  async append(message: NewMessage): Promise<{ message: Message; created: boolean }> {
    const { roomId, author, text, clientMsgId } = message;
    const [row] = this.insert.all(
      roomId,
      author.id,
      author.username,
      author.displayName,
      text,
      clientMsgId,
      new Date().toISOString(),
    );
    if (row) return { message: fromRow(row), created: true };
    return { message: fromRow(this.byClientId.get(author.id, clientMsgId)!), created: false };
  }

  async list(roomId: string, query: MessageQuery): Promise<Message[]> {
    const after = query.after === undefined ? 0 : parseMessageId(query.after);
    const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : parseMessageId(query.before);
    const statement =
      query.after !== undefined && query.before === undefined ? this.afterCursor : this.latest;
    return statement.all(roomId, after, before, query.limit).map(fromRow);
  }
}
