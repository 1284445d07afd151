import { MongoClient, type Db } from 'mongodb';
import { StartupError } from '../../src/config/startup-error.js';
import { ensureAdapterCollection } from '../../src/storage/mongo/mongo-adapter-collection.js';
import { connectMongo, REPLICA_SET_REQUIRED } from '../../src/storage/mongo/mongo-connection.js';
import { ensureMongoIndexes } from '../../src/storage/mongo/mongo-indexes.js';
import { freePort } from '../../tools/processes.js';
import { recordingLogger } from './adapter-harness.js';
import { FakeMongoServer } from './fake-mongo-server.js';

/** Boot-time setup on the real driver, against the scripted replica set (or nothing at all). */
describe('MongoDB setup at boot', () => {
  let fake: FakeMongoServer;
  let client: MongoClient | undefined;
  let db: Db;

  beforeEach(async () => {
    fake = await FakeMongoServer.start();
    ({ client, db } = await connectMongo(fake.url()));
  });
  afterEach(async () => {
    await client?.close();
    await fake.close();
  });

  describe('connectMongo', () => {
    it('refuses a standalone server with one line that says what to do', async () => {
      const standalone = await FakeMongoServer.start({ replicaSet: null });
      try {
        const failure = await connectMongo(standalone.url()).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(StartupError);
        expect((failure as Error).message).toBe(REPLICA_SET_REQUIRED);
      } finally {
        await standalone.close();
      }
    });

    it('gives up on an unreachable MONGO_URL after its server selection timeout, naming the variable', async () => {
      const url = `mongodb://127.0.0.1:${await freePort()}/tether?replicaSet=rs0&serverSelectionTimeoutMS=1000`;
      const started = Date.now();
      const failure = await connectMongo(url).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toMatch(
        /^MONGO_URL: no MongoDB server answered within 1000 ms \(.+\)$/,
      );
    });
  });

  describe('ensureMongoIndexes', () => {
    it('creates every index, also when processes boot together', async () => {
      await Promise.all([ensureMongoIndexes(db), ensureMongoIndexes(db)]);
      const names = (await db.collection('messages').indexes()).map((index) => index.name);
      expect(new Set(names)).toEqual(
        new Set(['_id_', 'author_client_msg', 'by_room', 'by_room_rev', 'text_search']),
      );
      // Transactions write to these; they exist before the first one.
      const created = fake.received.filter((c) => c.name === 'create').map((c) => c.command.create);
      expect(new Set(created)).toEqual(
        new Set(['message_room_locks', 'counters', 'room_owners', 'message_reactions']),
      );
    });

    it('keeps an index someone made on the same key with another name, with a warning', async () => {
      await db.collection('users').createIndex({ usernameLower: 1 }, { unique: true });
      const logger = recordingLogger();
      await ensureMongoIndexes(db, { data: true, sessions: false }, logger);
      expect(logger.lines.warn).toEqual([
        'users: keeping the existing index on {"usernameLower":1} (named usernameLower_1, not username_ci)',
      ]);
    });

    it('keeps an expiry index with another expiry, saying so', async () => {
      await db
        .collection('tickets')
        .createIndex({ expiresAt: 1 }, { name: 'expiry_ttl', expireAfterSeconds: 60 });
      const logger = recordingLogger();
      await ensureMongoIndexes(db, { data: true, sessions: false }, logger);
      expect(logger.lines.warn).toEqual([
        'tickets: keeping the existing index on {"expiresAt":1} (expires documents after 60 s, not 0 s)',
      ]);
    });

    it('creates its index under another name when its name is taken by an index on other fields', async () => {
      await db.collection('rooms').createIndex({ name: 1 }, { name: 'by_visibility' });
      const logger = recordingLogger();
      await ensureMongoIndexes(db, { data: true, sessions: false }, logger);
      expect((await db.collection('rooms').indexes()).map((index) => index.name)).toContain(
        'by_visibility_tether',
      );
      expect(logger.lines.warn).toEqual([
        'rooms: index name by_visibility is taken; created by_visibility_tether',
      ]);
    });

    it('stops the boot when the index on usernames is not unique, which registrations rely on', async () => {
      await db.collection('users').createIndex({ usernameLower: 1 }, { name: 'username_ci' });
      const failure = await ensureMongoIndexes(db, { data: true, sessions: false }, recordingLogger()).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toBe(
        'MONGO_URL: users has an index on {"usernameLower":1} that Tether cannot use (username_ci is not unique, and Tether needs it to be); drop it and restart',
      );
    });
  });

  describe('ensureAdapterCollection', () => {
    it('applies a changed expiry with collMod', async () => {
      await ensureAdapterCollection(db, { ttlSeconds: 3600 });
      const events = await ensureAdapterCollection(db, { ttlSeconds: 600 });
      expect((await events.indexes()).find((i) => i.name === 'createdAt_ttl')?.expireAfterSeconds).toBe(600);
    });

    it('keeps the old expiry, with a warning, when its role may not run collMod (readWrite)', async () => {
      await ensureAdapterCollection(db, { ttlSeconds: 3600 });
      fake.script('collMod', () => ({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' }));
      const logger = recordingLogger();
      const events = await ensureAdapterCollection(db, { ttlSeconds: 600, logger });
      expect(logger.lines.warn).toEqual([
        'socket.io-adapter-events: cannot set its TTL to 600 s (collMod needs the dbAdmin role); the existing expiry stays',
      ]);
      expect(events.writeConcern?.w).toBe(1);
    });

    it('does not hide any other collMod failure', async () => {
      await ensureAdapterCollection(db, { ttlSeconds: 3600 });
      fake.script('collMod', () => ({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad expiry' }));
      await expect(ensureAdapterCollection(db, { ttlSeconds: -1 })).rejects.toThrow('bad expiry');
    });
  });
});
