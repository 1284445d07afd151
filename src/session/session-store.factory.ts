import type { Store } from 'express-session';
import { join } from 'node:path';
import type { AppConfig } from '../config/config.js';
import { FastMissFileStore } from './file-session-store.js';

/** The express-session store for the configured profile. */
export function createSessionStore(config: AppConfig): Store {
  switch (config.sessionStore) {
    case 'file':
      return new FastMissFileStore({
        path: join(config.dataDir, 'sessions'),
        ttlSec: config.sessionIdleTimeoutSec,
      });
    default:
      throw new Error(`SESSION_STORE=${config.sessionStore} is not available in this build`);
  }
}
