import type { SessionData, Store } from 'express-session';

type Callback = (err?: unknown, session?: SessionData | null) => void;

/**
 * A store that can also answer a read without a round trip through libuv's thread pool. A request
 * (HTTP, and every socket handshake) waits for its session anyway, so express-session reads through
 * this (see `createSharedSession`); everything else, the socket renewal's reads at most once per
 * session per touch interval above all, keeps `get`, which never blocks the event loop.
 */
export interface InlineReads {
  /** The same answer as `get`, on a later turn of the event loop. */
  getInline(sid: string, callback: Callback): void;
}

export const hasInlineReads = (store: Store): store is Store & InlineReads =>
  typeof (store as Partial<InlineReads>).getInline === 'function';
