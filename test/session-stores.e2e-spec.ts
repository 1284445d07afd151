import { loadConfig } from '../src/config/config.js';
import { startRedis } from '../tools/processes.js';
import { rateLimiterFactoryFor } from '../src/storage/rate-limiter.js';
import { createSessionStore } from '../src/session/session-store.factory.js';
import { closeConnections, openConnections, type Connections } from '../src/storage/connections.js';
import { describeSessionStoreContract } from './contracts/session-store.contract.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { tempDir } from './helpers/app.js';
import { openSqlite } from '../src/storage/sqlite.js';

const open: Connections[] = [];
afterAll(async () => {
  await Promise.all(open.map(closeConnections));
});

describeSessionStoreContract('file', async () => createSessionStore(loadConfig({ DATA_DIR: tempDir() }), {}));

describeSessionStoreContract('sqlite', async () => {
  const config = loadConfig({ DATA_DIR: tempDir(), SESSION_STORE: 'sqlite' });
  return createSessionStore(config, {}, openSqlite(config.dataDir));
});

describeWithBinary(requireBinary('redis-server'), 'Redis-backed pieces', ([redisBinary]) => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let connections: Connections;

  beforeAll(async () => {
    redis = await startRedis(redisBinary);
    connections = await openConnections(loadConfig({ REDIS_URL: redis.url, SESSION_STORE: 'redis' }));
    open.push(connections);
  });
  afterAll(async () => {
    await closeConnections(connections);
    await redis?.stop();
  });

  describeSessionStoreContract('redis', async () =>
    createSessionStore(loadConfig({ REDIS_URL: redis.url, SESSION_STORE: 'redis' }), connections),
  );

  describe('rate limits on Redis', () => {
    it('counts one key across limiter instances, as separate processes would', async () => {
      const factory = rateLimiterFactoryFor(connections);
      const options = { keyPrefix: `contract-${Date.now()}`, points: 3, durationSec: 60 };
      const [one, two] = [factory(options), factory(options)];
      await one.consume('alice');
      await two.consume('alice');
      await one.consume('alice');
      await expect(two.consume('alice')).rejects.toMatchObject({ msBeforeNext: expect.any(Number) });
      await expect(one.consume('bob')).resolves.toMatchObject({ remainingPoints: 2 });
    });
  });
});

const mongoUrl = process.env.MONGO_URL;
if (!mongoUrl) {
  console.warn(
    'Mongo session store contract skipped: MONGO_URL is not set (no MongoDB server can be installed here)',
  );
}
describe.skipIf(!mongoUrl)('MongoDB session store', () => {
  let connections: Connections;
  beforeAll(async () => {
    connections = await openConnections(loadConfig({ MONGO_URL: mongoUrl }));
    open.push(connections);
  });
  describeSessionStoreContract('mongo', async () =>
    createSessionStore(loadConfig({ MONGO_URL: mongoUrl }), connections),
  );
});
