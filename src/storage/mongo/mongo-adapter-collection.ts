import { Logger } from '@nestjs/common';
import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { ensureCollection } from './mongo-indexes.js';

const INDEX_OPTIONS_CONFLICT = 85;
const UNAUTHORIZED = 13;

export interface AdapterCollectionOptions {
  /** @default 'socket.io-adapter-events' */
  name?: string;
  /** Seconds after which the TTL monitor removes an event document. @default 3600 */
  ttlSeconds?: number;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The collection the Socket.IO Mongo adapter writes to (with `addCreatedAtField: true`), with a TTL
 * index that removes its documents after `ttlSeconds`. Idempotent, also when several processes call
 * it at once. A changed `ttlSeconds` is applied with `collMod`, which needs the `dbAdmin` role
 * (`readWrite` is not enough): without it the old expiry stays, with a warning, and boot goes on.
 *
 * Its inserts are acknowledged by the primary alone (w: 1). Other instances see an event only
 * through a change stream, which delivers majority-committed inserts anyway, so waiting for the
 * majority would add latency (the adapter delivers locally after its insert) and guarantee nothing
 * more; and with a PSA set's secondary down it would stall every broadcast until `wtimeoutMS`.
 */
export async function ensureAdapterCollection(
  db: Db,
  { name = 'socket.io-adapter-events', ttlSeconds = 3600, logger }: AdapterCollectionOptions = {},
): Promise<Collection> {
  await ensureCollection(db, name);
  const collection = db.collection(name, { writeConcern: { w: 1 } });
  try {
    await collection.createIndex({ createdAt: 1 }, { name: 'createdAt_ttl', expireAfterSeconds: ttlSeconds });
    return collection;
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === INDEX_OPTIONS_CONFLICT)) throw error;
  }
  try {
    await db.command({
      collMod: name,
      index: { keyPattern: { createdAt: 1 }, expireAfterSeconds: ttlSeconds },
    });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === UNAUTHORIZED)) throw error;
    (logger ?? new Logger('MongoAdapterCollection')).warn(
      `${name}: cannot set its TTL to ${ttlSeconds} s (collMod needs the dbAdmin role); the existing expiry stays`,
    );
  }
  return collection;
}
