import type { Message } from '../protocol/models.js';
import { limitParam, type Sqlite } from '../storage/sqlite.js';
import { groupCommitOf } from '../storage/sqlite-group-commit.js';
import { parseMessageId } from './message-id.js';
import type { MessageSearch, SearchRequest } from './message-search.js';
import { messageFromRow, type MessageRow } from './sqlite-message-row.js';
import { toFts5Query } from './search-query.js';

/** FTS5 (`messages_fts`, kept in sync with `messages.text` by triggers), ranked by bm25. */
export class SqliteMessageSearch implements MessageSearch {
  private readonly query;
  // The connection's queued message appends (`storage/sqlite-group-commit.ts`), settled before each read.
  private readonly appends;

  constructor(db: Sqlite) {
    this.appends = groupCommitOf(db);
    // Public rooms by name, never "not private": a kind of room added later stays members-only.
    this.query = db.prepare<
      { match: string; userId: string; roomId: string | null; before: number; limit: number; offset: number },
      MessageRow
    >(
      `SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
       WHERE messages_fts MATCH @match AND m.deleted = 0 AND m.seq < @before
         AND (@roomId IS NULL OR m.room_id = @roomId)
         AND m.room_id IN (SELECT id FROM rooms WHERE visibility = 'public'
                           UNION SELECT room_id FROM room_members WHERE user_id = @userId)
       ORDER BY bm25(messages_fts), m.seq DESC
       LIMIT ${limitParam('@limit')} OFFSET ${limitParam('@offset')}`,
    );
  }

  async search(request: SearchRequest): Promise<Message[]> {
    this.appends.settle();
    return this.query
      .all({
        match: toFts5Query(request.phrases),
        userId: request.userId,
        roomId: request.roomId ?? null,
        before: request.before === undefined ? Number.MAX_SAFE_INTEGER : parseMessageId(request.before),
        limit: request.limit,
        offset: request.offset,
      })
      .map(messageFromRow);
  }
}
