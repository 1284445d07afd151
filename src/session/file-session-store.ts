import type { SessionData } from 'express-session';
import session from 'express-session';
import sessionFileStore from 'session-file-store';
import { readFile } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

// The published typings return the abstract Store; the runtime class implements all of it.
const FileStore = sessionFileStore(session) as unknown as new (
  options: sessionFileStore.Options,
) => session.MemoryStore;
// Its expiry rule lives in a module the package does not type (it has no `exports` map either).
const { isExpired } = createRequire(import.meta.url)('session-file-store/lib/session-file-helpers.js') as {
  isExpired(this: void, session: SessionData, options: object): boolean;
};
const {
  get: readSession,
  set: writeSession,
  touch: touchSession,
  destroy: removeSession,
} = FileStore.prototype;

export interface FileSessionStoreOptions {
  path: string;
  /** Seconds without activity after which a stored session counts as expired. */
  ttlSec: number;
  /** Where the store's own retry and reap messages go. @default discarded */
  log?: (message: string) => void;
}

type Callback = (err?: unknown, session?: SessionData | null) => void;

/**
 * session-file-store with two fixes.
 *
 * It turns a session id into a path unchecked (`join(dir, sid + '.json')`), so an id such as
 * `../planted` reads, rewrites or deletes files outside its directory. `guardedSessionStore`
 * already refuses malformed ids; here, as a second line, an id whose file would not sit directly
 * in the directory is never handed to it: no session to read, nothing to write or remove.
 *
 * It also retries every failed read five times at 50-100 ms, a missing file too, so an unknown or
 * expired cookie costs ~0.5 s (and `retries: 0` is silently turned into 5). Here a read is one
 * `readFile` (every socket handshake makes one): a missing file is answered as no session at once,
 * and only other errors, or a file that does not parse, go to its read, its retries and its clean-up.
 */
export class FastMissFileStore extends FileStore {
  private readonly dir: string;

  constructor(options: FileSessionStoreOptions) {
    super({
      path: options.path,
      ttl: options.ttlSec,
      logFn: options.log ?? (() => undefined),
      reapInterval: Math.min(options.ttlSec, 3600),
    });
    this.dir = resolve(options.path);
  }

  /** session-file-store's options with its defaults filled in, which its expiry rule reads. */
  private get storeOptions(): object {
    return (this as unknown as { options: object }).options;
  }

  override get(sid: string, callback: Callback): void {
    const file = this.fileOf(sid);
    if (file === null) {
      callback(null, null);
      return;
    }
    readFile(file, 'utf8', (error, text) => {
      if (error?.code === 'ENOENT') {
        callback(null, null);
        return;
      }
      let stored: SessionData | undefined;
      try {
        if (!error) stored = JSON.parse(text) as SessionData;
      } catch {
        // Left to session-file-store, which removes a file that does not parse.
      }
      if (stored === undefined) readSession.call(this, sid, callback);
      // Its own expiry rule, so a session it would call expired is one here too.
      else callback(null, isExpired(stored, this.storeOptions) ? null : stored);
    });
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    if (this.fileOf(sid) === null) callback?.(new Error('refusing a session id that leaves the directory'));
    else writeSession.call(this, sid, data, callback);
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    if (this.fileOf(sid) === null) callback?.();
    else touchSession.call(this, sid, data, callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    if (this.fileOf(sid) === null) callback?.();
    else removeSession.call(this, sid, callback);
  }

  /** The session's file, or null when the id would put it anywhere but directly in the directory. */
  private fileOf(sid: string): string | null {
    if (typeof sid !== 'string' || sid.includes('\0')) return null;
    const file = resolve(this.dir, `${sid}.json`);
    return dirname(file) === this.dir ? file : null;
  }
}
