import MongoStore from 'connect-mongo';
import { RedisStore } from 'connect-redis';
import type { Store } from 'express-session';
import { join } from 'node:path';
import type { AppConfig } from '../config/config.js';
import type { Connections } from '../storage/connections.js';
import type { Sqlite } from '../storage/sqlite.js';
import { MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { FastMissFileStore } from './file-session-store.js';
import { guardedSessionStore } from './guarded-session-store.js';
import { sessionHash } from './session-hash.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * The express-session store for the configured profile, on the shared clients. Whichever it is,
 * only well-formed session ids reach it, and none leaves it in an error.
 */
export function createSessionStore(config: AppConfig, connections: Connections, db?: Sqlite): Store {
  return guardedSessionStore(backingStore(config, connections, db));
}

function backingStore(config: AppConfig, connections: Connections, db?: Sqlite): Store {
  const ttlSec = config.sessionIdleTimeoutSec;
  switch (config.sessionStore) {
    case 'file':
      return new FastMissFileStore({ path: join(config.dataDir, 'sessions'), ttlSec });
    case 'sqlite':
      return new SqliteSessionStore(db!, ttlSec);
    case 'redis':
      return new RedisStore({ client: connections.redis!, prefix: 'tether:sess:', ttl: ttlSec });
    case 'mongo':
      return MongoStore.create({
        client: connections.mongo!.client,
        dbName: connections.mongo!.db.databaseName,
        collectionName: MONGO_COLLECTIONS.sessions,
        ttl: ttlSec,
        stringify: false,
        // `ensureMongoIndexes` creates the expiry index at boot: connect-mongo's own attempt would
        // be an unhandled rejection should it conflict with an existing index.
        autoRemove: 'disabled',
        // get, set, touch and destroy all look the document up by this: the collection holds no
        // session id, which is a bearer secret, only its hash.
        transformId: sessionHash,
      });
  }
}
