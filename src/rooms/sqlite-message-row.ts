import type { Message, Reaction } from '../protocol/models.js';
import { formatMessageId } from './message-id.js';

/** A row of `messages` as every SQLite message store reads it. */
export interface MessageRow {
  seq: number;
  room_id: string;
  author_id: string;
  author_name: string;
  author_display: string;
  text: string;
  client_msg_id: string;
  created_at: string;
  /** Null until the message first changes: its position is then its id. */
  rev: number | null;
  edited_at: string | null;
  deleted: number;
  /** JSON of `Reaction[]`, kept by the reaction writes. */
  reactions: string;
}

/** A message as the wire carries it; optional fields only when they say something. */
export function messageFromRow(row: MessageRow): Message {
  const reactions =
    row.reactions === '[]' || row.reactions === undefined ? [] : (JSON.parse(row.reactions) as Reaction[]);
  return {
    id: formatMessageId(row.seq),
    roomId: row.room_id,
    author: { id: row.author_id, username: row.author_name, displayName: row.author_display },
    text: row.text,
    clientMsgId: row.client_msg_id,
    createdAt: row.created_at,
    // An INSERT ... RETURNING row predates any change, so its `rev` may be missing too.
    rev: formatMessageId(row.rev ?? row.seq),
    ...(row.edited_at && { editedAt: row.edited_at }),
    ...(row.deleted ? { deleted: true as const } : {}),
    ...(reactions.length > 0 && { reactions }),
  };
}
