import type { SessionData } from 'express-session';
import type { Db, MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { parseMessageId } from '../src/rooms/message-id.js';
import { MongoMessageStore } from '../src/rooms/mongo-message-store.js';
import { MongoTicketStore } from '../src/credentials/mongo-ticket-store.js';
import { MongoReadStateStore } from '../src/rooms/mongo-read-state-store.js';
import { MongoRoomStore } from '../src/rooms/mongo-room-store.js';
import { MongoRevokedSessionStore } from '../src/session/mongo-revoked-session-store.js';
import { sessionHash } from '../src/session/session-hash.js';
import { createSessionStore } from '../src/session/session-store.factory.js';
import { ensureAdapterCollection } from '../src/storage/mongo/mongo-adapter-collection.js';
import { connectMongo, REPLICA_SET_REQUIRED } from '../src/storage/mongo/mongo-connection.js';
import { ensureMongoIndexes } from '../src/storage/mongo/mongo-indexes.js';
import { MongoUserStore } from '../src/users/mongo-user-store.js';
import { MongoMessageChanges } from '../src/rooms/mongo-message-changes.js';
import { MongoMessageSearch } from '../src/rooms/mongo-message-search.js';
import { describeMessageChangesContract } from './contracts/message-changes.contract.js';
import { describeMessageSearchContract } from './contracts/message-search.contract.js';
import { describeMessageStoreContract } from './contracts/message-store.contract.js';
import { describeRevokedSessionsContract } from './contracts/revoked-session-store.contract.js';
import { describeReadStateStoreContract } from './contracts/read-state-store.contract.js';
import { describeRoomMembershipContract } from './contracts/room-membership.contract.js';
import { describeRoomStoreContract } from './contracts/room-store.contract.js';
import { describeTicketStoreContract } from './contracts/ticket-store.contract.js';
import { describeUserStoreContract } from './contracts/user-store.contract.js';

// No MongoDB server can be installed on the machines these tests were written on: these suites run
// wherever MONGO_URL reaches a replica set (e.g. `docker compose up mongo`). What can run without
// a server runs in test/mongo/, against a scripted replica set, and claims nothing about these.
const url = process.env.MONGO_URL;
const standaloneUrl = process.env.MONGO_STANDALONE_URL;
if (!url)
  console.warn(
    'Mongo contract suites skipped: MONGO_URL is not set (no MongoDB server can be installed on this machine)',
  );
if (!standaloneUrl) console.warn('Mongo standalone refusal test skipped: MONGO_STANDALONE_URL is not set');

describe.skipIf(!url)('Mongo stores', () => {
  let client: MongoClient | undefined;
  const databases: Db[] = [];

  /** A fresh database (indexed unless asked) per suite, so suites never see each other's documents. */
  const freshDb = async ({ indexed = true } = {}): Promise<Db> => {
    client ??= (await connectMongo(url!)).client;
    const db = client.db(`tether_test_${process.pid}_${Date.now()}_${databases.length}`);
    databases.push(db);
    if (indexed) await ensureMongoIndexes(db);
    return db;
  };

  afterAll(async () => {
    for (const db of databases) await db.dropDatabase();
    await client?.close();
  });

  describeUserStoreContract('mongo', async () => new MongoUserStore(await freshDb()));
  describeRoomStoreContract('mongo', async () => new MongoRoomStore(await freshDb()));
  describeMessageStoreContract('mongo', async () => {
    const db = await freshDb();
    return { messages: new MongoMessageStore(db), rooms: new MongoRoomStore(db) };
  });
  describeRoomMembershipContract('mongo', async () => {
    const db = await freshDb();
    return [new MongoRoomStore(db), new MongoRoomStore(db)];
  });
  describeReadStateStoreContract('mongo', async () => {
    const db = await freshDb();
    return {
      reads: new MongoReadStateStore(db),
      messages: new MongoMessageStore(db),
      rooms: new MongoRoomStore(db),
    };
  });
  const mongoMessageStores = async () => {
    const db = await freshDb();
    return {
      changes: new MongoMessageChanges(db),
      search: new MongoMessageSearch(db),
      messages: new MongoMessageStore(db),
      rooms: new MongoRoomStore(db),
    };
  };
  describeMessageChangesContract('mongo', mongoMessageStores);
  describeMessageSearchContract('mongo', mongoMessageStores);
  describeRevokedSessionsContract('mongo', async () => new MongoRevokedSessionStore(await freshDb()));
  {
    let ticketsDb: Db | undefined;
    // Every store the suite makes shares one database, as instances sharing a cluster would.
    describeTicketStoreContract('mongo', async () => new MongoTicketStore((ticketsDb ??= await freshDb())));
  }

  describe('Mongo message ids', () => {
    const author = { id: randomUUID(), username: 'ids', displayName: 'Ids' };
    const setUp = async () => {
      const db = await freshDb();
      const roomId = (
        await new MongoRoomStore(db).create({ name: 'r', visibility: 'public', ownerId: author.id })
      ).id;
      const store = new MongoMessageStore(db);
      const send = async (s: MongoMessageStore = store) =>
        (await s.append({ roomId, author, text: 't', clientMsgId: randomUUID() })).message.id;
      const counter = db.collection<{ _id: string; seq: number }>('counters');
      return { db, store, send, counter };
    };

    it('continues after the highest stored id when its counter is behind, as after restoring a backup', async () => {
      const { send, counter } = await setUp();
      const ids = [await send(), await send(), await send()];
      await counter.updateOne({ _id: 'messages' }, { $set: { seq: 0 } });
      const next = await send();
      expect(parseMessageId(next)).toBeGreaterThan(parseMessageId(ids[2]));
    });

    it('raises the counter to the highest stored id at boot', async () => {
      const { db, send, counter } = await setUp();
      await send();
      const last = await send();
      await counter.updateOne({ _id: 'messages' }, { $set: { seq: 0 } });
      await new MongoMessageStore(db).onModuleInit();
      expect((await counter.findOne({ _id: 'messages' }))?.seq).toBe(parseMessageId(last));
    });

    it('writes the room lock document in every append', async () => {
      const { db, send } = await setUp();
      await Promise.all([send(), send(), send()]);
      const locks = await db.collection('message_room_locks').find().toArray();
      expect(locks.map((lock) => lock.appends)).toEqual([3]);
    });
  });

  describe('Mongo session store', () => {
    it('stores a session under the hash of its id, never the id itself', async () => {
      const db = await freshDb();
      const store = createSessionStore(loadConfig({ MONGO_URL: url!, DATA_DIR: '/nonexistent' }), {
        mongo: { client: client!, db },
      });
      const sid = randomUUID();
      const session = {
        cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000), path: '/' },
        passport: { user: { id: randomUUID(), epoch: 0, iat: Date.now() } },
      } as unknown as SessionData;
      await promisify(store.set.bind(store))(sid, session);
      const sessions = db.collection<{ _id: string }>('sessions');
      expect(await sessions.findOne({ _id: sessionHash(sid) })).not.toBeNull();
      expect(await sessions.findOne({ _id: sid })).toBeNull();
    });
  });

  describe('Mongo schema setup', () => {
    it('creates the store indexes idempotently, also from processes booting together', async () => {
      const db = await freshDb();
      await Promise.all([ensureMongoIndexes(db), ensureMongoIndexes(db)]);
      const names = (await db.collection('messages').indexes()).map((index) => index.name);
      expect(names).toEqual(expect.arrayContaining(['author_client_msg', 'by_room']));
    });

    it('creates the adapter collection with a TTL index, however often and concurrently asked', async () => {
      const db = await freshDb();
      await Promise.all([
        ensureAdapterCollection(db, { name: 'events', ttlSeconds: 60 }),
        ensureAdapterCollection(db, { name: 'events', ttlSeconds: 60 }),
      ]);
      const collection = await ensureAdapterCollection(db, { name: 'events', ttlSeconds: 120 });
      const ttl = (await collection.indexes()).find((index) => index.key.createdAt === 1);
      expect(ttl?.expireAfterSeconds).toBe(120);
      expect(collection.writeConcern?.w).toBe(1);
    });

    it('keeps a unique index someone made on the same key under another name', async () => {
      const db = await freshDb({ indexed: false });
      await db.collection('users').createIndex({ usernameLower: 1 }, { unique: true });
      const warnings: string[] = [];
      await ensureMongoIndexes(db, { data: true, sessions: true }, { warn: (m: string) => warnings.push(m) });
      expect(warnings).toEqual([
        'users: keeping the existing index on {"usernameLower":1} (named usernameLower_1, not username_ci)',
      ]);
    });
  });
});

describe.skipIf(!standaloneUrl)('connectMongo', () => {
  it('refuses a standalone server, whose missing change streams would break the adapter', async () => {
    await expect(connectMongo(standaloneUrl!, { serverSelectionTimeoutMS: 10_000 })).rejects.toThrow(
      REPLICA_SET_REQUIRED,
    );
  });
});
