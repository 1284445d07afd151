import { LIMITS } from '../protocol/limits.js';
import type { Message } from '../protocol/models.js';
import type { HistoryPage } from './history-budget.js';

export interface ChangeReads {
  head(): Promise<string>;
  changesSince(since: string, upTo: string, limit: number): Promise<Message[]>;
  /** The latest page, for a `since` the room never reached. */
  latest(): Promise<HistoryPage>;
}

export interface ChangesPage extends HistoryPage {
  position: string;
  reset?: true;
}

const bytesOf = (message: Message) => Buffer.byteLength(JSON.stringify(message));

/**
 * Every message created or changed after `since`, in change order, each once in its current
 * state, up to `max` and `LIMITS.historyMaxBytes`. The head is read first and bounds the read: every
 * change up to it has committed (see `MessageChangeStore`), so `position` is a place nothing before
 * was missed: the head, or the last message's rev when the page was cut (`truncated`).
 */
export async function changesSince(reads: ChangeReads, since: string, max: number): Promise<ChangesPage> {
  const head = await reads.head();
  if (since > head) return { ...(await reads.latest()), position: head, reset: true };
  const messages: Message[] = [];
  let bytes = 0;
  let cursor = since;
  while (messages.length < max) {
    const limit = Math.min(LIMITS.historyPageMax, max - messages.length);
    const page = await reads.changesSince(cursor, head, limit);
    for (const message of page) {
      bytes += bytesOf(message);
      if (bytes > LIMITS.historyMaxBytes) return cut(messages, since);
      messages.push(message);
    }
    if (page.length < limit) return { messages, position: head };
    cursor = page[page.length - 1].rev;
  }
  return cursor === head ? { messages, position: head } : cut(messages, since);
}

function cut(messages: Message[], since: string): ChangesPage {
  return { messages, truncated: true, position: messages.at(-1)?.rev ?? since };
}
