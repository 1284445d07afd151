import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection, Db, IndexDescription, MongoClientOptions } from 'mongodb';

/** Collection names of the data-store ports; one place, so indexes and stores cannot drift apart. */
export const MONGO_COLLECTIONS = {
  users: 'users',
  rooms: 'rooms',
  roomMembers: 'room_members',
  roomOwners: 'room_owners',
  messages: 'messages',
  counters: 'counters',
  revokedSessions: 'revoked_sessions',
  tickets: 'tickets',
} as const;

export const REPLICA_SET_REQUIRED =
  'change streams need a replica set: start mongod with --replSet and run rs.initiate() (MONGO_URL points at a standalone server)';

const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
const INDEX_OPTIONS_CONFLICT = 85;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

interface CounterDocument {
  _id: string;
  seq: number;
}

/** The next value (1, 2, ...) of the named sequence in the counters collection. */
export async function nextSequence(db: Db, name: string): Promise<number> {
  const counters = db.collection<CounterDocument>(MONGO_COLLECTIONS.counters);
  for (let attempt = 1; ; attempt++) {
    try {
      const counter = await counters.findOneAndUpdate(
        { _id: name },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      if (!counter) throw new Error(`the ${name} counter upsert returned no document`);
      return counter.seq;
    } catch (error) {
      // The first-ever upserts can race to insert the counter; a loser just increments it.
      if (!isDuplicateKeyError(error) || attempt === 3) throw error;
    }
  }
}

/**
 * Connects and refuses a standalone server up front: the Socket.IO adapter's change streams would
 * otherwise fail only at the first broadcast.
 */
export async function connectMongo(
  url: string,
  options: MongoClientOptions = {},
): Promise<{ client: MongoClient; db: Db }> {
  const client = await new MongoClient(url, options).connect();
  try {
    const hello = await client.db('admin').command({ hello: 1 });
    // A mongos answers without setName but serves change streams from its shards' replica sets.
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      throw new Error(REPLICA_SET_REQUIRED);
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, db: client.db() };
}

const INDEXES: Record<string, IndexDescription[]> = {
  // A lowercased copy rather than a collation index: lookups stay plain equality matches that need no
  // collation option, and the fold is exactly SQLite's COLLATE NOCASE (ASCII only).
  [MONGO_COLLECTIONS.users]: [{ key: { usernameLower: 1 }, name: 'username_ci', unique: true }],
  [MONGO_COLLECTIONS.rooms]: [
    { key: { visibility: 1, createdAt: 1, _id: 1 }, name: 'by_visibility' },
    { key: { createdAt: 1, _id: 1 }, name: 'by_creation' },
    { key: { ownerId: 1 }, name: 'by_owner' },
  ],
  [MONGO_COLLECTIONS.roomMembers]: [
    { key: { roomId: 1, userId: 1 }, name: 'room_user', unique: true },
    { key: { userId: 1 }, name: 'by_user' },
  ],
  [MONGO_COLLECTIONS.messages]: [
    { key: { 'author.id': 1, clientMsgId: 1 }, name: 'author_client_msg', unique: true },
    { key: { roomId: 1, _id: 1 }, name: 'by_room' },
  ],
  [MONGO_COLLECTIONS.revokedSessions]: [{ key: { expiresAt: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 }],
  [MONGO_COLLECTIONS.tickets]: [{ key: { expiresAt: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 }],
};

/** Creates every index the Mongo stores rely on. Idempotent; safe for processes booting together. */
export async function ensureMongoIndexes(db: Db): Promise<void> {
  await Promise.all(
    Object.entries(INDEXES).map(([collection, indexes]) => db.collection(collection).createIndexes(indexes)),
  );
}

/**
 * Creates the collection `@socket.io/mongo-adapter` writes to (use it with `addCreatedAtField: true`),
 * with a TTL index that removes its documents after `ttlSeconds`. Idempotent, also when several
 * processes call it at once, and a changed `ttlSeconds` is applied to the existing index.
 *
 * @param name @default 'socket.io-adapter-events'
 * @param ttlSeconds @default 3600
 */
export async function ensureAdapterCollection(
  db: Db,
  name = 'socket.io-adapter-events',
  ttlSeconds = 3600,
): Promise<Collection> {
  try {
    await db.createCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
  }
  const collection = db.collection(name);
  try {
    await collection.createIndex({ createdAt: 1 }, { name: 'createdAt_ttl', expireAfterSeconds: ttlSeconds });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === INDEX_OPTIONS_CONFLICT)) throw error;
    await db.command({
      collMod: name,
      index: { keyPattern: { createdAt: 1 }, expireAfterSeconds: ttlSeconds },
    });
  }
  return collection;
}
