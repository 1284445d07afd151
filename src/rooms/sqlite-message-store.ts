import { limitParam, type Sqlite } from '../storage/sqlite.js';
import { groupCommitOf } from '../storage/sqlite-group-commit.js';
import type { Message } from '../protocol/models.js';
import { parseMessageId } from './message-id.js';
import type { MessageQuery, MessageStore, NewMessage } from './message-store.js';
import { messageFromRow as fromRow, type MessageRow } from './sqlite-message-row.js';

type Appended = { message: Message; created: boolean };

/**
 * Appends go through the connection's group commit (`sqlite-group-commit.ts`): those requested in
 * one turn of the event loop are inserted in one transaction, in request order, and each resolves
 * once it committed. Idempotency, commit order and the id guarantees of `MessageStore` are those of
 * one insert after another.
 */
export class SqliteMessageStore implements MessageStore {
  private readonly insert;
  private readonly byClientId;
  private readonly latest;
  private readonly afterCursor;
  private readonly group;

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
         SELECT * FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ${limitParam()}
       ) ORDER BY seq`,
    );
    this.afterCursor = db.prepare<[string, number, number, number], MessageRow>(
      `SELECT * FROM messages WHERE room_id = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ${limitParam()}`,
    );
    this.group = groupCommitOf(db);
  }

  append(message: NewMessage): Promise<Appended> {
    return this.group.run(() => this.insertOne(message));
  }

  async list(roomId: string, query: MessageQuery): Promise<Message[]> {
    this.group.settle();
    const after = query.after === undefined ? 0 : parseMessageId(query.after);
    const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : parseMessageId(query.before);
    const statement =
      query.after !== undefined && query.before === undefined ? this.afterCursor : this.latest;
    return statement.all(roomId, after, before, query.limit).map(fromRow);
  }

  private insertOne({ roomId, author, text, clientMsgId }: NewMessage): Appended {
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
}
