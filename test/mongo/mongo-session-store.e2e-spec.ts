import type { SessionData, Store } from 'express-session';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { sessionHash } from '../../src/session/session-hash.js';
import { newSessionId } from '../../src/session/session-id.js';
import { createSessionStore } from '../../src/session/session-store.factory.js';
import { closeConnections, openConnections, type Connections } from '../../src/storage/connections.js';
import { FakeMongoServer } from './fake-mongo-server.js';

/**
 * The session store Tether configures on MongoDB (connect-mongo 6 over the real driver), against
 * the scripted replica set: what it sends is what a real server would receive.
 */
describe('the MongoDB session store, on the wire', () => {
  let fake: FakeMongoServer;
  let connections: Connections;
  let store: Store;

  beforeAll(async () => {
    fake = await FakeMongoServer.start();
    const config = loadConfig({ MONGO_URL: fake.url(), DATA_DIR: '/nonexistent' });
    connections = await openConnections(config);
    store = createSessionStore(config, connections);
  });
  afterAll(async () => {
    await closeConnections(connections);
    await fake.close();
  });

  const session = () =>
    ({
      cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000), httpOnly: true, path: '/' },
      passport: { user: { id: randomUUID(), epoch: 0, iat: Date.now() } },
    }) as unknown as SessionData;

  /** The `_id` each sessions command since `since` addressed. */
  const addressed = (since: number) =>
    fake.received
      .slice(since)
      .filter((c) => c.command[c.name] === 'sessions')
      .map((c) => {
        const filter = c.command.filter ?? c.command.updates?.[0]?.q ?? c.command.deletes?.[0]?.q;
        return `${c.name} ${filter?._id}`;
      });

  it('keeps only the hash of a session id: set, get, touch and destroy all address sessionHash(sid)', async () => {
    const sid = newSessionId();
    const hash = sessionHash(sid);
    const since = fake.received.length;
    await promisify(store.set.bind(store))(sid, session());
    expect(await promisify(store.get.bind(store))(sid)).toMatchObject({ passport: expect.any(Object) });
    await promisify(store.touch!.bind(store))(sid, session());
    await promisify(store.destroy.bind(store))(sid);
    expect(await promisify(store.get.bind(store))(sid)).toBeFalsy();

    expect(addressed(since)).toEqual([
      `update ${hash}`,
      `find ${hash}`,
      `update ${hash}`,
      `delete ${hash}`,
      `find ${hash}`,
    ]);
    expect(JSON.stringify(fake.received.slice(since).map((c) => c.command))).not.toContain(sid);
  });

  it("leaves the expiry index to the boot, which creates it under connect-mongo's own name", () => {
    const indexCommands = fake.received.filter(
      (c) => c.name === 'createIndexes' && c.command.createIndexes === 'sessions',
    );
    expect(indexCommands).toHaveLength(1);
    expect(indexCommands[0].command.indexes).toEqual([
      { key: { expires: 1 }, name: 'expires_1', expireAfterSeconds: 0 },
    ]);
  });
});
