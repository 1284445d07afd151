import type { SessionData, Store } from 'express-session';
import { isSessionId } from './session-id.js';

type Callback<T extends unknown[]> = (err?: unknown, ...rest: T) => void;

/**
 * The store as every reader sees it (express-session, socket renewal), whichever backs it.
 *
 * An id our generator could not have made never reaches the backing store. A signed cookie only
 * proves that the id was signed with our secret, and a leaked or weak secret would otherwise hand
 * the store any string, which the file store used to turn into a path (`../planted` loaded
 * `DATA_DIR/planted.json` as a session). Such an id reads as no session; writing one is a bug and
 * fails.
 *
 * And a session id never leaves in an error: the file store's name the session's file, Mongo's a
 * duplicate `_id`, and errors end up in logs, where a live id is a credential for whoever reads them.
 */
export function guardedSessionStore<S extends Store>(store: S): S {
  const guarded = Object.create(store) as S;
  guarded.get = function (this: S, sid: string, callback: Callback<[(SessionData | null)?]>) {
    if (!isSessionId(sid)) return callback(null, null);
    return store.get.call(this, sid, withoutId(sid, callback));
  };
  guarded.set = function (this: S, sid: string, session: SessionData, callback?: Callback<[]>) {
    if (!isSessionId(sid)) return callback?.(new Error('refusing to store a malformed session id'));
    return store.set.call(this, sid, session, callback && withoutId(sid, callback));
  };
  guarded.destroy = function (this: S, sid: string, callback?: Callback<[]>) {
    if (!isSessionId(sid)) return callback?.();
    return store.destroy.call(this, sid, callback && withoutId(sid, callback));
  };
  if (store.touch) {
    guarded.touch = function (this: S, sid: string, session: SessionData, callback?: () => void) {
      if (!isSessionId(sid)) return callback?.();
      return store.touch!.call(this, sid, session, callback && withoutId(sid, callback));
    };
  }
  return guarded;
}

function withoutId<T extends unknown[]>(sid: string, callback: Callback<T>): Callback<T> {
  return (err, ...rest) => callback(err instanceof Error ? redact(err, sid) : err, ...rest);
}

/** The same error (its `code` still tells ENOENT from the rest), with the id cut out of every text. */
function redact(error: Error, sid: string): Error {
  const hide = (text: string) => text.split(sid).join('<session id>');
  error.message = hide(error.message);
  if (error.stack) error.stack = hide(error.stack);
  const fs = error as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof fs.path === 'string') fs.path = hide(fs.path);
  if (typeof fs.dest === 'string') fs.dest = hide(fs.dest);
  return error;
}
