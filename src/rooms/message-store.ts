import type { Message, User } from '../protocol/models.js';

export interface NewMessage {
  roomId: string;
  author: User;
  text: string;
  clientMsgId: string;
}

export interface MessageQuery {
  /** Only messages with a larger id; the oldest `limit` of them. */
  after?: string;
  /** Only messages with a smaller id; the newest `limit` of them. */
  before?: string;
  limit: number;
}

/** Messages per room. Every implementation passes `test/contracts/message-store.contract.ts`. */
export interface MessageStore {
  /**
   * Stores the message unless its author already stored one with the same `clientMsgId`, in which
   * case the stored one is returned with `created: false`. Concurrent duplicates store exactly one.
   *
   * Ids (see `message-id.ts`) are unique and, within a room, increase in commit order: once `list`
   * shows a message, every message of its room with a smaller id is already visible too, so a
   * reader paging with `after` misses nothing. Ids may skip values; across rooms they only follow
   * the order in which they were taken.
   */
  append(message: NewMessage): Promise<{ message: Message; created: boolean }>;
  /**
   * Oldest first. Without cursors: the newest `limit`. With `after`: the first `limit` after it.
   * With `before`: the newest `limit` before it. Both: the window between them.
   */
  list(roomId: string, query: MessageQuery): Promise<Message[]>;
}

export const MESSAGE_STORE = Symbol('MessageStore');
