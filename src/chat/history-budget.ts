import { LIMITS } from '../protocol/limits.js';
import type { Message } from '../protocol/models.js';
import type { MessageQuery } from '../rooms/message-store.js';

/** A history page as acks carry it: `truncated` only when `LIMITS.historyMaxBytes` cut it. */
export interface HistoryPage {
  messages: Message[];
  truncated?: true;
}

type Read = (query: MessageQuery) => Promise<Message[]>;

const bytesOf = (message: Message) => Buffer.byteLength(JSON.stringify(message));

/**
 * One page of history within `LIMITS.historyMaxBytes`, however long the messages: the count
 * limits alone let one ack reach megabytes. The page keeps the messages nearest its cursor, so
 * the rest is one more fetch from its edge: the first ones after `after`, else the newest.
 */
export async function historyPage(read: Read, query: MessageQuery): Promise<HistoryPage> {
  const messages = await read(query);
  return query.after === undefined ? newestWithin(messages) : oldestWithin(messages);
}

/**
 * `room:join {after}`: up to `LIMITS.joinCatchUpMax` messages after the cursor, read a page at a
 * time so a catch-up never holds more than one page beyond what it returns.
 */
export async function catchUp(read: Read, after: string): Promise<HistoryPage> {
  const messages: Message[] = [];
  let bytes = 0;
  let cursor = after;
  while (messages.length < LIMITS.joinCatchUpMax) {
    const limit = Math.min(LIMITS.historyPageMax, LIMITS.joinCatchUpMax - messages.length);
    const page = await read({ after: cursor, limit });
    for (const message of page) {
      bytes += bytesOf(message);
      if (bytes > LIMITS.historyMaxBytes) return { messages, truncated: true };
      messages.push(message);
    }
    if (page.length < limit) break;
    cursor = page[page.length - 1].id;
  }
  return { messages };
}

function oldestWithin(messages: Message[]): HistoryPage {
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    bytes += bytesOf(messages[i]);
    if (bytes > LIMITS.historyMaxBytes) return { messages: messages.slice(0, i), truncated: true };
  }
  return { messages };
}

function newestWithin(messages: Message[]): HistoryPage {
  let bytes = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    bytes += bytesOf(messages[i]);
    if (bytes > LIMITS.historyMaxBytes) return { messages: messages.slice(i + 1), truncated: true };
  }
  return { messages };
}
