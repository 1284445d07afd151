import type { SessionData, Store } from 'express-session';
import { randomBytes } from 'node:crypto';

/**
 * The one form a session id takes: 24 random bytes in base64url (32 characters), as express-session's
 * own generator (uid-safe) makes them. Tether generates them here, so the form and its check cannot
 * drift apart.
 */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

type Callback = (err?: unknown, session?: SessionData | null) => void;

/**
 * The store as every reader sees it (express-session, socket renewal): an id our generator could
 * not have made never reaches the backing store. A signed cookie only proves that the id was signed
 * with our secret, and a leaked or weak secret would otherwise hand the store any string, which the
 * file store used to turn into a path (`../planted` loaded `DATA_DIR/planted.json` as a session).
 * Such an id reads as no session; writing one is a bug and fails.
 */
export function refuseMalformedSessionIds<S extends Store>(store: S): S {
  const guarded = Object.create(store) as S;
  guarded.get = function (this: S, sid: string, callback: Callback) {
    if (!isSessionId(sid)) return callback(null, null);
    return store.get.call(this, sid, callback);
  };
  guarded.set = function (this: S, sid: string, session: SessionData, callback?: (err?: unknown) => void) {
    if (!isSessionId(sid)) return callback?.(new Error('refusing to store a malformed session id'));
    return store.set.call(this, sid, session, callback);
  };
  guarded.destroy = function (this: S, sid: string, callback?: (err?: unknown) => void) {
    if (!isSessionId(sid)) return callback?.();
    return store.destroy.call(this, sid, callback);
  };
  if (store.touch) {
    guarded.touch = function (this: S, sid: string, session: SessionData, callback?: () => void) {
      if (!isSessionId(sid)) return callback?.();
      return store.touch!.call(this, sid, session, callback);
    };
  }
  return guarded;
}
