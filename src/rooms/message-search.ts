import type { Message } from '../protocol/models.js';
import type { SearchPhrase } from './search-query.js';

export interface SearchRequest {
  /** Every one must match (see `parseSearchQuery`); never empty. */
  phrases: SearchPhrase[];
  /** Only rooms this user can see: public ones, and those they are a member of. */
  userId: string;
  roomId?: string;
  /** Only messages with a smaller id. */
  before?: string;
  limit: number;
  offset: number;
}

/**
 * Full-text search over messages, never a tombstone, never a room the user cannot see. Best
 * match first, then newest. Every implementation passes `test/contracts/message-search.contract.ts`.
 */
export interface MessageSearch {
  search(request: SearchRequest): Promise<Message[]>;
}

export const MESSAGE_SEARCH = Symbol('MessageSearch');
