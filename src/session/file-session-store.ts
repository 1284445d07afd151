import type { SessionData } from 'express-session';
import session from 'express-session';
import sessionFileStore from 'session-file-store';
import { access } from 'node:fs';
import { join } from 'node:path';

// The published typings return the abstract Store; the runtime class implements all of it.
const FileStore = sessionFileStore(session) as unknown as new (
  options: sessionFileStore.Options,
) => session.MemoryStore;
const readSession = FileStore.prototype.get;

export interface FileSessionStoreOptions {
  path: string;
  /** Seconds without activity after which a stored session counts as expired. */
  ttlSec: number;
  /** Where the store's own retry and reap messages go. @default discarded */
  log?: (message: string) => void;
}

/**
 * session-file-store retries every failed read five times at 50-100 ms, a missing file too, so an
 * unknown or expired cookie costs ~0.5 s (and `retries: 0` is silently turned into 5). A cheap
 * existence check answers the common miss at once; real read errors still get the retries.
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
    this.dir = options.path;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    access(join(this.dir, `${sid}.json`), (missing) => {
      if (missing) {
        callback(null, null);
        return;
      }
      readSession.call(this, sid, callback);
    });
  }
}
