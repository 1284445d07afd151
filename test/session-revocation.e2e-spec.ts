import { MongoAdapter } from '@socket.io/mongo-adapter';
import { ObjectId } from 'mongodb';
import request from 'supertest';
import { NamespaceLifecycle } from '../src/realtime/namespace-lifecycle.js';
import { SessionEvents } from '../src/session/session-events.js';
import { startRedis } from '../tools/processes.js';
import {
  loggedInAgent,
  startApp,
  STRONG_PASSWORD,
  tempDir,
  uniqueName,
  type TestApp,
} from './helpers/app.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { chatClient, connected, type ChatClient, type ClientOptions } from './helpers/sockets.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A connected socket and the order of what ended it: `ended:<reason>`, `disconnect:<reason>`. */
async function watched(t: TestApp, options: ClientOptions) {
  const socket = chatClient(t.url, options);
  sockets.push(socket);
  const seen: string[] = [];
  socket.on('session:ended', ({ reason }) => seen.push(`ended:${reason}`));
  const gone = new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not disconnected; saw ${seen.join(', ')}`)), 8000);
    socket.on('disconnect', (reason) => {
      seen.push(`disconnect:${reason}`);
      clearTimeout(timer);
      resolve(seen);
    });
  });
  gone.catch(() => undefined);
  await connected(socket);
  return { socket, seen, gone };
}

const ticketOf = async (s: Session) =>
  (await s.agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;
const tokenOf = async (s: Session) =>
  (await s.agent.post('/auth/token').expect(201)).body.accessToken as string;

async function secondLogin(t: TestApp, username: string): Promise<string> {
  const res = await request(t.url)
    .post('/auth/login')
    .send({ username, password: STRONG_PASSWORD })
    .expect(200);
  return String(res.headers['set-cookie']).split(';')[0];
}

const ENDED = (reason: string) => [`ended:${reason}`, 'disconnect:io server disconnect'];

describe('revocation on one instance (in-memory adapter)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells every socket of a logged-out session session:ended before it disconnects them, by the time logout answers', async () => {
    const session = await loggedInAgent(t.url);
    const watchedSockets = [
      await watched(t, { cookie: session.cookie }),
      await watched(t, { auth: { ticket: await ticketOf(session) } }),
      await watched(t, { auth: { token: await tokenOf(session) }, transport: 'polling' }),
    ];
    const ids = watchedSockets.map((w) => w.socket.id!);
    await session.agent.post('/auth/logout').expect(204);
    const namespace = t.app.get(NamespaceLifecycle).namespace!;
    expect(ids.filter((id) => namespace.sockets.has(id))).toEqual([]);
    for (const { gone } of watchedSockets) expect(await gone).toEqual(ENDED('logout'));
  });

  it("ends a 'renewed' session's cookie sockets by closing their transport, so they reconnect", async () => {
    const session = await loggedInAgent(t.url);
    const cookieSocket = await watched(t, { cookie: session.cookie });
    const ticketSocket = await watched(t, { auth: { ticket: await ticketOf(session) } });
    const sessionHash = t.app.get(NamespaceLifecycle).namespace!.sockets.get(cookieSocket.socket.id!)!.data
      .sessionHash;
    await t.app.get(SessionEvents).publish({ scope: 'renewed', sessionHash });
    expect(await cookieSocket.gone).toEqual(['disconnect:transport close']);
    expect(ticketSocket.socket.connected).toBe(true);
  });
});

describe('revocation on an adapter that delivers even a local broadcast a tick late', () => {
  // No MongoDB server runs here: this is @socket.io/mongo-adapter's own code over a collection
  // that only answers inserts, which is all its local delivery depends on.
  let t: TestApp;
  let adapter: MongoAdapter;
  beforeAll(async () => {
    t = await startApp();
    const namespace = t.app.get(NamespaceLifecycle).namespace!;
    const collection = { insertOne: () => Promise.resolve({ insertedId: new ObjectId() }) };
    adapter = new MongoAdapter(namespace, collection as never, { uid: 'test' });
    namespace.adapter = adapter;
  });
  afterAll(async () => {
    void adapter?.close();
    await t?.close();
  });

  it('still tells a logged-out session session:ended before it disconnects it', async () => {
    const session = await loggedInAgent(t.url);
    const cookieSocket = await watched(t, { cookie: session.cookie });
    const tokenSocket = await watched(t, { auth: { token: await tokenOf(session) } });
    await session.agent.post('/auth/logout').expect(204);
    expect(await cookieSocket.gone).toEqual(ENDED('logout'));
    expect(await tokenSocket.gone).toEqual(ENDED('logout'));
  });
});

describeWithBinary(
  requireBinary('redis-server'),
  'revocation across two instances (Redis adapter)',
  ([redisBinary]) => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let one: TestApp;
    let two: TestApp;

    beforeAll(async () => {
      redis = await startRedis(redisBinary);
      const env = { DATA_DIR: tempDir(), REDIS_URL: redis.url };
      one = await startApp(env);
      two = await startApp(env);
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
      await redis?.stop();
    });

    it('ends a logged-out session on the other instance too, session:ended first', async () => {
      const session = await loggedInAgent(one.url);
      const here = await watched(one, { cookie: session.cookie });
      const there = await watched(two, { cookie: session.cookie });
      const viaToken = await watched(two, { auth: { token: await tokenOf(session) } });
      await session.agent.post('/auth/logout').expect(204);
      expect(await here.gone).toEqual(ENDED('logout'));
      expect(await there.gone).toEqual(ENDED('logout'));
      expect(await viaToken.gone).toEqual(ENDED('logout'));
    });

    it("ends the other sessions' sockets on both instances after a password change, and keeps the changing tab's", async () => {
      const mine = await loggedInAgent(two.url, uniqueName('pwd'));
      const otherCookie = await secondLogin(one, mine.user.username);
      const keptHere = await watched(two, { cookie: mine.cookie });
      const keptThere = await watched(one, { cookie: mine.cookie });
      const endedHere = await watched(two, { cookie: otherCookie });
      const endedThere = await watched(one, { cookie: otherCookie });
      await mine.agent
        .post('/auth/password')
        .send({ currentPassword: STRONG_PASSWORD, newPassword: 'a whole new passphrase' })
        .expect(204);
      expect(await endedHere.gone).toEqual(ENDED('password_changed'));
      expect(await endedThere.gone).toEqual(ENDED('password_changed'));
      expect(keptHere.socket.connected && keptThere.socket.connected).toBe(true);
      expect([...keptHere.seen, ...keptThere.seen]).toEqual([]);
    });

    it("closes a 'renewed' session's cookie sockets on every instance", async () => {
      const session = await loggedInAgent(one.url);
      const here = await watched(one, { cookie: session.cookie });
      const there = await watched(two, { cookie: session.cookie });
      const sessionHash = one.app.get(NamespaceLifecycle).namespace!.sockets.get(here.socket.id!)!.data
        .sessionHash;
      await one.app.get(SessionEvents).publish({ scope: 'renewed', sessionHash });
      expect(await here.gone).toEqual(['disconnect:transport close']);
      expect(await there.gone).toEqual(['disconnect:transport close']);
    });
  },
);
