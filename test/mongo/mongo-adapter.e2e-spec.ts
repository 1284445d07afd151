import { createAdapter as createUpstreamAdapter } from '@socket.io/mongo-adapter';
import type { MongoClient } from 'mongodb';
import { createMongoAdapter } from '../../src/realtime/mongo-adapter.js';
import {
  clientOf,
  ioServer,
  isChangeStream,
  matchStage,
  otherInstance,
  recordingLogger,
} from './adapter-harness.js';
import { FakeMongoServer } from './fake-mongo-server.js';

/**
 * Tether's Mongo adapter (`createMongoAdapter`) as it runs: the real mongodb driver and the real
 * `MongoAdapter` class of @socket.io/mongo-adapter, on a real Socket.IO server with real clients,
 * against a scripted single-member replica set that speaks the wire protocol (no MongoDB server
 * can be installed here). Elections, dropped connections and failed inserts are the fake's script.
 */
describe('createMongoAdapter', () => {
  let fake: FakeMongoServer;
  let client: MongoClient;
  let logger: ReturnType<typeof recordingLogger>;
  let server: Awaited<ReturnType<typeof ioServer>>;

  /** Tether's adapter on the fake, its change stream open and waiting for events. */
  async function start(options: Parameters<typeof createMongoAdapter>[1] = {}) {
    ({ client } = await clientOf(fake));
    logger = recordingLogger();
    const since = fake.received.length;
    const events = client.db().collection('socket.io-adapter-events');
    server = await ioServer(createMongoAdapter(events, { uid: 'me', logger, reopenDelayMs: 50, ...options }));
    await fake.command(isChangeStream, since);
    await fake.command((c) => c.name === 'getMore', since);
  }

  const streamWarnings = () => logger.lines.warn.filter((line) => line.startsWith('adapter change stream'));

  /** Every `name` server-side event the /chat namespace receives from other instances. */
  function received(name: string): unknown[] {
    const seen: unknown[] = [];
    server.chat.on(name, (value: unknown) => seen.push(value));
    return seen;
  }

  beforeEach(async () => {
    fake = await FakeMongoServer.start();
  });
  afterEach(async () => {
    await server?.close();
    await client?.close();
    await fake.close();
  });

  it('reads one change stream for every namespace, matching only the inserts of other instances', async () => {
    await start();
    const pings = received('ping');
    fake.recordChange('tether.socket.io-adapter-events', {
      operationType: 'delete',
      documentKey: { _id: 1 },
    });
    otherInstance(fake).serverSideEmit('ping', 1);
    await vi.waitFor(() => expect(pings).toEqual([1]));

    const streams = fake.changeStreamsOpened();
    expect(streams).toHaveLength(1); // for '/' and '/chat' together
    expect(matchStage(streams[0].command.pipeline)).toEqual({
      operationType: 'insert',
      'fullDocument.uid': { $ne: 'me' },
    });
    // The TTL monitor's delete never left the server.
    expect(fake.delivered.map((event) => event.operationType)).toEqual(['insert']);
  });

  it('delivers a broadcast to its own sockets when the insert fails, and logs the outage once', async () => {
    await start();
    const socket = await server.connect();
    const news: number[] = [];
    socket.on('news', (n: number) => news.push(n));
    fake.script('insert', () => ({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' }));

    server.chat.emit('news', 1);
    server.chat.emit('news', 2);
    await vi.waitFor(() => expect(news).toEqual([1, 2]));
    expect(logger.lines.warn).toEqual([
      "the adapter's inserts fail: not authorized (further failures are counted, not logged)",
    ]);

    fake.script('insert', () => undefined);
    server.chat.emit('news', 3);
    await vi.waitFor(() => expect(news).toEqual([1, 2, 3]));
    expect(logger.lines.log).toEqual([
      expect.stringMatching(/^the adapter's inserts succeed again after \d+/),
    ]);
  });

  it('resumes its one stream from the resume token when the connection drops, losing nothing', async () => {
    await start();
    const pings = received('ping');
    const since = fake.received.length;
    fake.dropConnections();
    // Inserted by another instance while this one was cut off.
    otherInstance(fake).serverSideEmit('ping', 'while away');

    const resumed = await fake.command(isChangeStream, since);
    expect(resumed.command.pipeline[0].$changeStream.resumeAfter).toEqual(expect.any(Object));
    await vi.waitFor(() => expect(pings).toEqual(['while away']));
    otherInstance(fake).serverSideEmit('ping', 'after');
    await vi.waitFor(() => expect(pings).toEqual(['while away', 'after']));
    expect(fake.changeStreamsOpened(since)).toHaveLength(1);
    // The driver resumed it by itself; Tether had nothing to reopen.
    expect(streamWarnings()).toEqual([]);
  });

  it('reopens one stream from its token, after growing pauses, once an outage outlasts server selection', async () => {
    await start();
    const pings = received('ping');
    const since = fake.received.length;
    fake.stepDown();
    fake.dropConnections();
    otherInstance(fake).serverSideEmit('ping', 'before the outage');

    // The driver gives up after serverSelectionTimeoutMS (1 s here); then every attempt fails alike.
    await vi.waitFor(() => expect(streamWarnings().length).toBeGreaterThanOrEqual(2), { timeout: 8000 });
    expect(streamWarnings()[0]).toMatch(/^adapter change stream failed \(.+\); reopening in 50 ms$/);
    expect(streamWarnings()[1]).toMatch(/reopening in 100 ms$/);
    expect(fake.changeStreamsOpened(since)).toEqual([]); // no attempt reached a server

    fake.stepUp();
    await vi.waitFor(() => expect(pings).toEqual(['before the outage']), { timeout: 8000 });
    otherInstance(fake).serverSideEmit('ping', 'after');
    await vi.waitFor(() => expect(pings).toEqual(['before the outage', 'after']));
    const reopened = fake.changeStreamsOpened(since);
    expect(reopened).toHaveLength(1);
    expect(reopened[0].command.pipeline[0].$changeStream.resumeAfter).toEqual(expect.any(Object));
    expect(logger.lines.log).toContainEqual(
      expect.stringMatching(/^adapter change stream open again after \d+ failure/),
    );
  });

  it('starts afresh, saying what is lost, when its resume token has left the oplog', async () => {
    await start();
    const pings = received('ping');
    const since = fake.received.length;
    fake.forgetHistory();
    fake.dropConnections();

    await vi.waitFor(() => expect(streamWarnings()).toHaveLength(1));
    expect(streamWarnings()[0]).toContain('events inserted meanwhile are lost to this instance');
    const [refused, fresh] = await Promise.all([
      fake.command(isChangeStream, since),
      vi.waitFor(() => fake.changeStreamsOpened(since)[1] ?? Promise.reject(new Error('not yet'))),
    ]);
    expect(refused.command.pipeline[0].$changeStream.resumeAfter).toBeDefined();
    expect(fresh.command.pipeline[0].$changeStream).toEqual({});
    otherInstance(fake).serverSideEmit('ping', 'new');
    await vi.waitFor(() => expect(pings).toEqual(['new']));
  });

  it('closes its stream with the last namespace and reads nothing more', async () => {
    await start();
    const since = fake.received.length;
    await server.close();
    expect(fake.received.slice(since).map((c) => c.name)).toContain('killCursors');
    expect(fake.changeStreamsOpened(since)).toEqual([]);
  });
});

describe('upstream createAdapter, which Tether does not use', () => {
  it('ends up with two change streams, delivering everything twice, after more than a second without a primary', async () => {
    const fake = await FakeMongoServer.start();
    const { client, events } = await clientOf(fake, { serverSelectionTimeoutMS: 5000 });
    const watch = vi.spyOn(events, 'watch');
    const server = await ioServer(createUpstreamAdapter(events, { uid: 'upstream' }));
    try {
      await fake.command(isChangeStream);
      const pings: unknown[] = [];
      server.chat.on('ping', (value: unknown) => pings.push(value));
      const since = fake.received.length;
      fake.stepDown();
      fake.dropConnections();
      // Its reopen timer (1 s) fires while the driver still waits for a primary to resume the first.
      await vi.waitFor(() => expect(watch).toHaveBeenCalledTimes(2), { timeout: 5000 });
      fake.stepUp();
      await vi.waitFor(() => expect(fake.changeStreamsOpened(since)).toHaveLength(2), { timeout: 5000 });
      otherInstance(fake).serverSideEmit('ping', 'once');
      await vi.waitFor(() => expect(pings).toEqual(['once', 'once']));
    } finally {
      await server.close();
      await client.close();
      await fake.close();
    }
  });
});
