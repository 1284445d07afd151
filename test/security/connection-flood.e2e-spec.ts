import { createClient } from 'redis';
import type { SharedSession } from '../../src/session/session-middleware.js';
import { SHARED_SESSION } from '../../src/session/session.module.js';
import { startRedis } from '../../tools/processes.js';
import { loggedInAgent, startApp, tempDir, type TestApp } from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';
import { chatClient, connected, refusal, type ChatClient, type ClientOptions } from '../helpers/sockets.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

/**
 * Class 6 of issue 10: one user opened 500 authenticated sockets in half a second. Sockets per
 * user (cluster-wide with Redis), sockets per client address per instance and handshakes per
 * address are capped, and refused with typed `connect_error` codes.
 */
const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function open(t: TestApp, options: ClientOptions): Promise<ChatClient> {
  const socket = chatClient(t.url, options);
  sockets.push(socket);
  return connected(socket);
}

const ticketOf = async (s: Session) =>
  (await s.agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;
const tokenOf = async (s: Session) =>
  (await s.agent.post('/auth/token').expect(201)).body.accessToken as string;

describe('sockets per user, on one instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ SOCKET_MAX_PER_USER: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the socket past SOCKET_MAX_PER_USER with TOO_MANY_CONNECTIONS, whatever credential it carries', async () => {
    const alice = await loggedInAgent(t.url);
    await open(t, { cookie: alice.cookie });
    await open(t, { auth: { ticket: await ticketOf(alice) } });
    const third = await open(t, { auth: { token: await tokenOf(alice) }, transport: 'polling' });
    for (const options of [{ cookie: alice.cookie }, { auth: { token: await tokenOf(alice) } }]) {
      expect((await refusal(chatClient(t.url, options))).data?.code).toBe('TOO_MANY_CONNECTIONS');
    }
    const bob = await loggedInAgent(t.url);
    await open(t, { cookie: bob.cookie });

    third.close();
    await vi.waitFor(() => open(t, { cookie: alice.cookie }), { timeout: 5000 });
  });
});

describe('sockets and handshakes per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      SOCKET_MAX_PER_IP: '3',
      HANDSHAKE_RATE_LIMIT: '8',
      HANDSHAKE_RATE_WINDOW: '60',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('refuses the socket past SOCKET_MAX_PER_IP from one address, of any user, and counts other addresses apart', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => loggedInAgent(t.url)));
    for (const user of users.slice(0, 3))
      await open(t, { cookie: user.cookie, headers: from('203.0.113.1') });
    const err = await refusal(chatClient(t.url, { cookie: users[3].cookie, headers: from('203.0.113.1') }));
    expect(err.data).toEqual({ code: 'TOO_MANY_CONNECTIONS', message: expect.any(String) });
    await open(t, { cookie: users[3].cookie, headers: from('203.0.113.2') });
  });

  it('refuses handshakes past HANDSHAKE_RATE_LIMIT with RATE_LIMITED and retryAfterSec, before any session is read', async () => {
    const alice = await loggedInAgent(t.url);
    const headers = from('198.51.100.7');
    for (let i = 0; i < 8; i++) {
      const socket = await open(t, { cookie: alice.cookie, headers });
      socket.close();
    }
    const store = t.app.get<SharedSession>(SHARED_SESSION).store;
    const reads = vi.spyOn(store, 'get');
    const err = await refusal(chatClient(t.url, { cookie: alice.cookie, headers }));
    expect(err.data).toEqual({
      code: 'RATE_LIMITED',
      message: expect.any(String),
      details: { retryAfterSec: expect.any(Number) },
    });
    expect((err.data?.details as { retryAfterSec?: number } | undefined)?.retryAfterSec).toBeGreaterThan(50);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    await open(t, { cookie: alice.cookie, headers: from('198.51.100.8') });
  });
});

describe('a forged X-Forwarded-For without a trusted proxy', () => {
  it('counts the real peer address', async () => {
    const t = await startApp({ SOCKET_MAX_PER_IP: '2' });
    try {
      const users = await Promise.all([1, 2, 3].map(() => loggedInAgent(t.url)));
      await open(t, { cookie: users[0].cookie, headers: { 'X-Forwarded-For': '192.0.2.1' } });
      await open(t, { cookie: users[1].cookie, headers: { 'X-Forwarded-For': '192.0.2.2' } });
      const err = await refusal(
        chatClient(t.url, { cookie: users[2].cookie, headers: { 'X-Forwarded-For': '192.0.2.3' } }),
      );
      expect(err.data?.code).toBe('TOO_MANY_CONNECTIONS');
    } finally {
      for (const s of sockets.splice(0)) s.close();
      await t.close();
    }
  });
});

describeWithBinary(
  requireBinary('redis-server'),
  'sockets per user and handshakes per address across instances (Redis)',
  ([redisBinary]) => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let one: TestApp;
    let two: TestApp;

    beforeAll(async () => {
      redis = await startRedis(redisBinary);
      const env = {
        DATA_DIR: tempDir(),
        REDIS_URL: redis.url,
        SOCKET_MAX_PER_USER: '3',
        HANDSHAKE_RATE_LIMIT: '10',
        HANDSHAKE_RATE_WINDOW: '60',
        TRUST_PROXY: 'loopback',
      };
      one = await startApp(env);
      two = await startApp(env);
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
      await redis?.stop();
    });

    // Each test from its own address, so that their handshakes count apart.
    const headers = (address: string) => ({ 'X-Forwarded-For': address });

    it('counts a user’s sockets on every instance against one cap', async () => {
      const alice = await loggedInAgent(one.url);
      const from = headers('203.0.113.10');
      await open(one, { cookie: alice.cookie, headers: from });
      const onTwo = await open(two, { cookie: alice.cookie, headers: from });
      await open(two, { auth: { token: await tokenOf(alice) }, headers: from });
      expect((await refusal(chatClient(one.url, { cookie: alice.cookie, headers: from }))).data?.code).toBe(
        'TOO_MANY_CONNECTIONS',
      );
      expect((await refusal(chatClient(two.url, { cookie: alice.cookie, headers: from }))).data?.code).toBe(
        'TOO_MANY_CONNECTIONS',
      );

      onTwo.close();
      await vi.waitFor(() => open(one, { cookie: alice.cookie, headers: from }), { timeout: 5000 });
    });

    it('counts handshakes from one address on every instance against one rate', async () => {
      const alice = await loggedInAgent(one.url);
      const from = headers('203.0.113.11');
      for (let i = 0; i < 10; i++) {
        (await open(i % 2 ? two : one, { cookie: alice.cookie, headers: from })).close();
      }
      for (const app of [one, two]) {
        expect((await refusal(chatClient(app.url, { cookie: alice.cookie, headers: from }))).data?.code).toBe(
          'RATE_LIMITED',
        );
      }
    });

    it('stops counting the sockets of an instance that stopped proving it is alive (crashed)', async () => {
      const alice = await loggedInAgent(one.url);
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        // What a crashed instance leaves behind: counts, and a heartbeat that ran out.
        await client.hSet('tether:sockets:instances', 'crashed:1', String(Date.now() - 1000));
        await client.hSet(`tether:sockets:user:${alice.user.id}`, 'crashed:1', '3');
        await client.hSet(`tether:sockets:user:${alice.user.id}`, 'never-heard-of:2', '3');
        const from = headers('203.0.113.12');
        for (let i = 0; i < 3; i++) await open(i % 2 ? two : one, { cookie: alice.cookie, headers: from });
        expect((await refusal(chatClient(two.url, { cookie: alice.cookie, headers: from }))).data?.code).toBe(
          'TOO_MANY_CONNECTIONS',
        );
        const counts = await client.hGetAll(`tether:sockets:user:${alice.user.id}`);
        expect(Object.keys(counts)).not.toContain('crashed:1');
        expect(Object.values(counts).reduce((sum, n) => sum + Number(n), 0)).toBe(3);
      } finally {
        await client.quit();
      }
    });
  },
);
