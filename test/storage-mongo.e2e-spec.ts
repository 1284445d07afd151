import type { Db, MongoClient } from 'mongodb';
import { MongoMessageStore } from '../src/rooms/mongo-message-store.js';
import { MongoTicketStore } from '../src/credentials/mongo-ticket-store.js';
import { MongoRoomStore } from '../src/rooms/mongo-room-store.js';
import { ensureAdapterCollection } from '../src/storage/mongo/mongo-adapter-collection.js';
import { connectMongo, REPLICA_SET_REQUIRED } from '../src/storage/mongo/mongo-connection.js';
import { ensureMongoIndexes } from '../src/storage/mongo/mongo-indexes.js';
import { MongoUserStore } from '../src/users/mongo-user-store.js';
import { describeMessageStoreContract } from './contracts/message-store.contract.js';
import { describeRoomStoreContract } from './contracts/room-store.contract.js';
import { describeTicketStoreContract } from './contracts/ticket-store.contract.js';
import { describeUserStoreContract } from './contracts/user-store.contract.js';

// No MongoDB server can be installed on the machines these tests were written on, and none is
// faked: these suites run wherever MONGO_URL reaches a replica set (e.g. `docker compose up mongo`).
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

  /** A fresh, indexed database per suite, so suites never see each other's documents. */
  const freshDb = async (): Promise<Db> => {
    client ??= (await connectMongo(url!)).client;
    const db = client.db(`tether_test_${process.pid}_${Date.now()}_${databases.length}`);
    databases.push(db);
    await ensureMongoIndexes(db);
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
  {
    let ticketsDb: Db | undefined;
    // Every store the suite makes shares one database, as instances sharing a cluster would.
    describeTicketStoreContract('mongo', async () => new MongoTicketStore((ticketsDb ??= await freshDb())));
  }

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
