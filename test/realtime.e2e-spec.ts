import { request as httpRequest } from 'node:http';
import request from 'supertest';
import WebSocket from 'ws';
import type { Message } from '../src/protocol/models.js';
import type { SharedSession } from '../src/session/session-middleware.js';
import { SHARED_SESSION } from '../src/session/session.module.js';
import {
  loggedInAgent,
  sessionCookie,
  startApp,
  STRONG_PASSWORD,
  uniqueName,
  type TestApp,
} from './helpers/app.js';
import {
  ack,
  chatClient,
  collect,
  connected,
  nextEvent,
  refusal,
  serverSocket,
  TRANSPORTS,
  type ChatClient,
  type Transport,
} from './helpers/sockets.js';

const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function connect(t: TestApp, cookie: string, transport: Transport): Promise<ChatClient> {
  const socket = chatClient(t.url, { cookie, transport });
  sockets.push(socket);
  return connected(socket);
}

/** Counts calls to the session store's methods (the store every session variant delegates to). */
function spyOnStore(t: TestApp): Record<'get' | 'set' | 'touch' | 'destroy', number> {
  const store = t.app.get<SharedSession>(SHARED_SESSION).store as unknown as Record<
    string,
    (...a: unknown[]) => unknown
  >;
  const counts = { get: 0, set: 0, touch: 0, destroy: 0 };
  for (const name of Object.keys(counts) as (keyof typeof counts)[]) {
    const original = store[name].bind(store);
    store[name] = (...args: unknown[]) => {
      counts[name] += 1;
      return original(...args);
    };
  }
  return counts;
}

describe.each(TRANSPORTS)('Socket.IO /chat over %s', (transport) => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof loggedInAgent>>;
  let bob: Awaited<ReturnType<typeof loggedInAgent>>;

  beforeAll(async () => {
    t = await startApp();
    alice = await loggedInAgent(t.url, uniqueName('alice'));
    bob = await loggedInAgent(t.url, uniqueName('bob'));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('handshake', () => {
    it('accepts the cookie of a logged-in session', async () => {
      const socket = await connect(t, alice.cookie, transport);
      expect(socket.connected).toBe(true);
      expect(socket.io.engine.transport.name).toBe(transport);
    });

    it.each([
      ['no cookie', undefined, 'UNAUTHENTICATED'],
      ['a garbage cookie', 'tether.sid=s%3Anot-a-session.bad-signature', 'UNAUTHENTICATED'],
      ['an unsigned cookie', 'tether.sid=plain-value', 'UNAUTHENTICATED'],
    ])('refuses %s with %s and no connect event', async (_, cookie, code) => {
      const err = await refusal(chatClient(t.url, { cookie, transport }));
      expect(err.data).toEqual({ code, message: expect.any(String) });
    });

    it('refuses a logged-out cookie with SESSION_EXPIRED', async () => {
      const session = await loggedInAgent(t.url);
      await session.agent.post('/auth/logout').expect(204);
      const err = await refusal(chatClient(t.url, { cookie: session.cookie, transport }));
      expect(err.data?.code).toBe('SESSION_EXPIRED');
    });

    it('refuses a foreign Origin with HTTP 403 before the session store is read', async () => {
      const counts = spyOnStore(t);
      const err = await refusal(
        chatClient(t.url, { cookie: alice.cookie, transport, origin: 'https://evil.example' }),
      );
      expect(err.message).toMatch(/error/);
      const status = await rawHandshakeStatus(t.url, transport, {
        Cookie: alice.cookie,
        Origin: 'https://evil.example',
      });
      expect(status).toBe(403);
      expect(counts.get).toBe(0);
      expect(counts.set + counts.touch).toBe(0);
    });

    it('accepts its own origin', async () => {
      const socket = chatClient(t.url, { cookie: alice.cookie, transport, origin: t.url });
      sockets.push(socket);
      await connected(socket);
    });

    it('keeps only plain identity on the server-side socket and lets go of the handshake request', async () => {
      const client = await connect(t, alice.cookie, transport);
      const socket = serverSocket(t, client);
      expect(Object.keys(socket.data).sort()).toEqual(['expiresAt', 'sessionHash', 'user', 'via']);
      expect(JSON.parse(JSON.stringify(socket.data))).toEqual(socket.data);
      expect(socket.data.user).toEqual(alice.user);
      const sid = decodeURIComponent(alice.cookie.split('=')[1]).slice(2).split('.')[0];
      expect(JSON.stringify(socket.data)).not.toContain(sid);
      expect([...socket.rooms]).toEqual(
        expect.arrayContaining([`user:${alice.user.id}`, `session:${socket.data.sessionHash}`]),
      );
      expect(socket.request).toBeUndefined();
      expect(socket.handshake.headers.cookie).toBeUndefined();
    });

    it('refuses the main namespace', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(t.url, {
        autoConnect: false,
        forceNew: true,
        reconnection: false,
        transports: [transport],
      });
      const err = await refusal(socket as unknown as ChatClient);
      expect(err.data?.code).toBe('NOT_FOUND');
    });
  });

  describe('events', () => {
    it('joins, announces presence, sends, fetches, lists, relays typing and leaves', async () => {
      const a = await connect(t, alice.cookie, transport);
      const b = await connect(t, bob.cookie, transport);

      const joinedA = await ack(a, 'room:join', { roomId: 'general' });
      expect(joinedA).toMatchObject({ ok: true, room: { id: 'general', visibility: 'public' } });
      expect(joinedA.online).toEqual(expect.arrayContaining([alice.user]));

      const bobOnline = nextEvent(a, 'presence');
      const joinedB = await ack(b, 'room:join', { roomId: 'general' });
      expect(joinedB.online).toEqual(expect.arrayContaining([alice.user, bob.user]));
      expect(await bobOnline).toEqual({ roomId: 'general', user: bob.user, status: 'online' });

      const echoed = collect<Message>(a, 'message:new');
      const incoming = nextEvent(b, 'message:new');
      const sent = await ack(a, 'message:send', {
        roomId: 'general',
        text: '  hello bob  ',
        clientMsgId: uniqueName('c'),
      });
      expect(sent).toMatchObject({
        ok: true,
        message: { roomId: 'general', text: 'hello bob', author: alice.user },
      });
      expect(await incoming).toEqual(sent.message);

      const fetched = await ack(b, 'messages:fetch', { roomId: 'general', limit: 5 });
      expect((fetched.messages as Message[]).at(-1)).toEqual(sent.message);

      const listed = await ack(b, 'presence:list', { roomId: 'general' });
      expect(listed.online).toEqual(expect.arrayContaining([alice.user, bob.user]));

      const typing = nextEvent(b, 'typing');
      expect(await ack(a, 'typing', { roomId: 'general' })).toEqual({ ok: true });
      expect(await typing).toEqual({ roomId: 'general', user: alice.user });

      const bobOffline = nextEvent(a, 'presence');
      expect(await ack(b, 'room:leave', { roomId: 'general' })).toEqual({ ok: true });
      expect(await bobOffline).toEqual({ roomId: 'general', user: bob.user, status: 'offline' });
      expect(echoed).toEqual([]);
    });

    it('announces offline when the last socket of a user disconnects, not before', async () => {
      const a = await connect(t, alice.cookie, transport);
      const b1 = await connect(t, bob.cookie, transport);
      const b2 = await connect(t, bob.cookie, transport);
      await ack(a, 'room:join', { roomId: 'general' });
      await ack(b1, 'room:join', { roomId: 'general' });
      const presence = collect(a, 'presence');
      await ack(b2, 'room:join', { roomId: 'general' });
      b1.close();
      const offline = nextEvent(a, 'presence');
      b2.close();
      expect(await offline).toEqual({ roomId: 'general', user: bob.user, status: 'offline' });
      expect(presence).toEqual([{ roomId: 'general', user: bob.user, status: 'offline' }]);
    });

    const bad: [string, unknown][] = [
      ['nothing', undefined],
      ['null', null],
      ['a string', 'general'],
      ['a number', 42],
      ['an array', ['general']],
      ['an empty object', {}],
      ['a number roomId', { roomId: 7 }],
      ['an object roomId', { roomId: { $ne: null } }],
      ['a too long roomId', { roomId: 'r'.repeat(65) }],
      ['an unknown field', { roomId: 'general', admin: true }],
    ];
    const sendBad: [string, unknown][] = [
      ['no text', { roomId: 'general', clientMsgId: 'x' }],
      ['blank text', { roomId: 'general', text: '   ', clientMsgId: 'x' }],
      ['too long text', { roomId: 'general', text: 'x'.repeat(4001), clientMsgId: 'x' }],
      ['a number text', { roomId: 'general', text: 5, clientMsgId: 'x' }],
      ['no clientMsgId', { roomId: 'general', text: 'hi' }],
      ['a too long clientMsgId', { roomId: 'general', text: 'hi', clientMsgId: 'c'.repeat(65) }],
    ];
    const fetchBad: [string, unknown][] = [
      ['a zero limit', { roomId: 'general', limit: 0 }],
      ['a huge limit', { roomId: 'general', limit: 101 }],
      ['a string limit', { roomId: 'general', limit: '10' }],
      ['a malformed cursor', { roomId: 'general', after: "1' OR 1=1" }],
    ];
    const cases: [string, string, unknown][] = [
      ...['room:join', 'room:leave', 'messages:fetch', 'presence:list', 'typing', 'message:send'].flatMap(
        (event) => bad.map(([name, payload]): [string, string, unknown] => [event, name, payload]),
      ),
      ...sendBad.map(([name, payload]): [string, string, unknown] => ['message:send', name, payload]),
      ...fetchBad.map(([name, payload]): [string, string, unknown] => ['messages:fetch', name, payload]),
      ['room:join', 'a malformed after cursor', { roomId: 'general', after: 'zzz' }],
    ];

    it(`answers every bad payload (${cases.length} cases) with VALIDATION and stays usable`, async () => {
      const a = await connect(t, alice.cookie, transport);
      await ack(a, 'room:join', { roomId: 'general' });
      for (const [event, name, payload] of cases) {
        const res = await ack(a, event as 'room:join', payload);
        expect(res, `${event} with ${name}`).toEqual({
          ok: false,
          error: { code: 'VALIDATION', message: expect.any(String), details: expect.any(Array) },
        });
        expect(JSON.stringify(res)).not.toContain('OR 1=1');
      }
      expect(a.connected).toBe(true);
      expect(await ack(a, 'presence:list', { roomId: 'general' })).toMatchObject({ ok: true });
    });

    it('refuses FORBIDDEN for a room the socket has not joined', async () => {
      const { body } = await alice.agent
        .post('/rooms')
        .send({ name: 'side', visibility: 'public' })
        .expect(201);
      const b = await connect(t, bob.cookie, transport);
      const roomId = body.room.id as string;
      for (const [event, payload] of [
        ['message:send', { roomId, text: 'hi', clientMsgId: uniqueName('c') }],
        ['messages:fetch', { roomId }],
        ['presence:list', { roomId }],
        ['typing', { roomId }],
      ] as const) {
        expect(await ack(b, event, payload), event).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        });
      }
    });

    it('answers NOT_FOUND for a private room one is not in, and for a missing room', async () => {
      const { body } = await bob.agent
        .post('/rooms')
        .send({ name: 'secret', visibility: 'private' })
        .expect(201);
      const a = await connect(t, alice.cookie, transport);
      expect(await ack(a, 'room:join', { roomId: body.room.id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      expect(await ack(a, 'room:join', { roomId: 'no-such-room' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });

      await bob.agent
        .post(`/rooms/${body.room.id}/members`)
        .send({ username: alice.user.username })
        .expect(204);
      expect(await ack(a, 'room:join', { roomId: body.room.id })).toMatchObject({ ok: true });
    });

    it('stores and broadcasts a repeated clientMsgId once, sequentially and concurrently', async () => {
      const { body } = await alice.agent
        .post('/rooms')
        .send({ name: 'dups', visibility: 'public' })
        .expect(201);
      const roomId = body.room.id as string;
      const a = await connect(t, alice.cookie, transport);
      const b = await connect(t, bob.cookie, transport);
      await ack(a, 'room:join', { roomId });
      await ack(b, 'room:join', { roomId });
      const received = collect<Message>(b, 'message:new');

      const first = await ack(a, 'message:send', { roomId, text: 'one', clientMsgId: 'seq' });
      const again = await ack(a, 'message:send', { roomId, text: 'one', clientMsgId: 'seq' });
      expect(again.message).toEqual(first.message);

      const racing = await Promise.all(
        Array.from({ length: 6 }, () => ack(a, 'message:send', { roomId, text: 'two', clientMsgId: 'race' })),
      );
      expect(new Set(racing.map((r) => (r.message as Message).id)).size).toBe(1);

      // A marker sent last: once bob has it, every earlier broadcast has arrived.
      const marker = await ack(a, 'message:send', { roomId, text: 'marker', clientMsgId: 'marker' });
      await vi.waitFor(() => expect(received.map((m) => m.id)).toContain((marker.message as Message).id));
      expect(received.map((m) => m.clientMsgId)).toEqual(['seq', 'race', 'marker']);

      const stored = await alice.agent.get(`/rooms/${roomId}/messages`).expect(200);
      expect(stored.body.messages.map((m: Message) => m.clientMsgId)).toEqual(['seq', 'race', 'marker']);
    });

    it('catches up with room:join {after}', async () => {
      const { body } = await alice.agent
        .post('/rooms')
        .send({ name: 'catch-up', visibility: 'public' })
        .expect(201);
      const roomId = body.room.id as string;
      const a = await connect(t, alice.cookie, transport);
      await ack(a, 'room:join', { roomId });
      const ids: string[] = [];
      for (const text of ['m1', 'm2', 'm3', 'm4']) {
        ids.push(
          ((await ack(a, 'message:send', { roomId, text, clientMsgId: uniqueName('c') })).message as Message)
            .id,
        );
      }
      const b = await connect(t, bob.cookie, transport);
      const joined = await ack(b, 'room:join', { roomId, after: ids[1] });
      expect((joined.messages as Message[]).map((m) => m.id)).toEqual(ids.slice(2));
    });
  });

  describe('session lifecycle', () => {
    it('logout ends only the sockets of that session, and its cookie cannot open another', async () => {
      const username = uniqueName('multi');
      const first = await loggedInAgent(t.url, username);
      const second = request.agent(t.url);
      const res = await second.post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);
      const secondCookie = String(res.headers['set-cookie']).split(';')[0];

      const ended = await connect(t, first.cookie, transport);
      const alsoEnded = await connect(t, first.cookie, transport);
      const survivor = await connect(t, secondCookie, transport);
      const bystander = await connect(t, bob.cookie, transport);

      const endedEvent = nextEvent(ended, 'session:ended');
      const disconnect = nextEvent(ended, 'disconnect');
      const alsoDisconnect = nextEvent(alsoEnded, 'disconnect');
      await first.agent.post('/auth/logout').expect(204);

      expect(await endedEvent).toEqual({ reason: 'logout' });
      expect(await disconnect).toBe('io server disconnect');
      expect(await alsoDisconnect).toBe('io server disconnect');
      expect(await ack(survivor, 'presence:list', { roomId: 'general' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(survivor.connected && bystander.connected).toBe(true);

      const err = await refusal(chatClient(t.url, { cookie: first.cookie, transport }));
      expect(err.data?.code).toBe('SESSION_EXPIRED');
    });

    it("a password change ends the other sessions' sockets and keeps this one's", async () => {
      const username = uniqueName('pwd');
      const mine = await loggedInAgent(t.url, username);
      const other = request.agent(t.url);
      const res = await other.post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);
      const otherCookie = String(res.headers['set-cookie']).split(';')[0];

      const kept = await connect(t, mine.cookie, transport);
      const ended = await connect(t, otherCookie, transport);
      const endedEvent = nextEvent(ended, 'session:ended');
      const keptEvents = collect(kept, 'session:ended');
      const keptDropped = nextEvent(kept, 'disconnect');

      const changed = await mine.agent
        .post('/auth/password')
        .send({ currentPassword: STRONG_PASSWORD, newPassword: 'brand new passphrase 1' })
        .expect(204);
      expect(await endedEvent).toEqual({ reason: 'password_changed' });
      // This tab's socket is not ended: its session got a new id, so it is dropped to reconnect
      // with the new cookie (see test/security/password-change-session-renewal.e2e-spec.ts).
      expect(await keptDropped).toBe('transport close');
      expect(keptEvents).toEqual([]);
      const again = await connect(t, sessionCookie(changed), transport);
      expect(await ack(again, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      expect((await refusal(chatClient(t.url, { cookie: otherCookie, transport }))).data?.code).toBe(
        'SESSION_EXPIRED',
      );
    });

    it('does not run the session store for polling requests after the handshake', async () => {
      const counts = spyOnStore(t);
      const socket = await connect(t, alice.cookie, transport);
      // The handshake reads the session and the new socket renews it once; a polling handshake
      // is also an HTTP response, which express-session's rolling cookie touches.
      await vi.waitFor(() => expect(counts.touch).toBe(transport === 'polling' ? 2 : 1));
      const afterHandshake = { ...counts };
      for (let i = 0; i < 5; i++)
        expect(await ack(socket, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      expect(counts).toEqual(afterHandshake);
    });
  });
});

describe('socket session expiry and renewal', () => {
  it('ends an idle socket with session:ended {expired}', async () => {
    const t = await startApp({ SESSION_IDLE_TIMEOUT: '2', SESSION_TOUCH_INTERVAL: '60' });
    try {
      const { cookie } = await loggedInAgent(t.url);
      const socket = await connect(t, cookie, 'websocket');
      const ended = nextEvent(socket, 'session:ended', 8000);
      const disconnect = nextEvent(socket, 'disconnect', 8000);
      expect(await ended).toEqual({ reason: 'expired' });
      expect(await disconnect).toBe('io server disconnect');
    } finally {
      await t.close();
    }
  });

  it('keeps an active chatter logged in past the idle timeout by renewing the HTTP session', async () => {
    const t = await startApp({ SESSION_IDLE_TIMEOUT: '2', SESSION_TOUCH_INTERVAL: '1' });
    try {
      const { cookie } = await loggedInAgent(t.url);
      const socket = await connect(t, cookie, 'websocket');
      const ended = collect(socket, 'session:ended');
      const until = Date.now() + 5000;
      // Socket activity only: no HTTP request carries the cookie meanwhile.
      while (Date.now() < until) {
        expect(await ack(socket, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(ended).toEqual([]);
      expect(socket.connected).toBe(true);
      await request(t.url).get('/auth/me').set('Cookie', cookie).expect(200);
    } finally {
      await t.close();
    }
  });

  it('re-checks the session when a dropped connection recovers', async () => {
    const t = await startApp();
    try {
      const session = await loggedInAgent(t.url);
      const socket = chatClient(t.url, { cookie: session.cookie, reconnection: true });
      sockets.push(socket);
      await connected(socket);
      const refused = nextEvent(socket as ChatClient, 'connect_error' as 'disconnect', 8000);
      socket.io.engine.close();
      await session.agent.post('/auth/logout').expect(204);
      expect(await refused).toMatchObject({ data: { code: 'SESSION_EXPIRED' } });
    } finally {
      await t.close();
    }
  });
});

describe('transport hygiene', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ MESSAGE_RATE_LIMIT: '3', MESSAGE_RATE_WINDOW: '60', SOCKET_MAX_PAYLOAD: '8192' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes an unauthenticated transport right after its CONNECT_ERROR', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const frame = (data as Buffer).toString();
      frames.push(frame);
      if (frame.startsWith('0{')) ws.send('40/chat,');
    });
    await closed;
    expect(frames.some((f) => f.startsWith('44/chat,') && f.includes('UNAUTHENTICATED'))).toBe(true);
  });

  it('limits the message rate per user with RATE_LIMITED', async () => {
    const { cookie } = await loggedInAgent(t.url);
    const socket = await connect(t, cookie, 'websocket');
    await ack(socket, 'room:join', { roomId: 'general' });
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(
        await ack(socket, 'message:send', { roomId: 'general', text: `m${i}`, clientMsgId: uniqueName('r') }),
      );
    }
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(results[3]).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { retryAfterSec: expect.any(Number) } },
    });
  });

  it.each(TRANSPORTS)(
    'drops an oversized frame over %s without disturbing anyone else',
    async (transport) => {
      const sender = await loggedInAgent(t.url);
      const other = await loggedInAgent(t.url);
      const big = await connect(t, sender.cookie, transport);
      const bystander = await connect(t, other.cookie, transport);
      const dropped = nextEvent(big, 'disconnect');
      big.emit(
        'message:send',
        { roomId: 'general', text: 'x'.repeat(20_000), clientMsgId: 'big' },
        () => undefined,
      );
      expect(await dropped).toMatch(/transport (close|error)/);
      expect(await ack(bystander, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      await connect(t, sender.cookie, transport);
    },
  );
});

describe('cookies behind a trusted proxy', () => {
  it('opens a socket with the __Host- cookie when the handshake says https', async () => {
    const t = await startApp({ TRUST_PROXY: 'loopback' });
    try {
      const username = uniqueName('proxy');
      await request(t.url).post('/auth/register').send({ username, password: STRONG_PASSWORD }).expect(201);
      const res = await request(t.url)
        .post('/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ username, password: STRONG_PASSWORD })
        .expect(200);
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      expect(cookie.startsWith('__Host-tether.sid=')).toBe(true);

      const viaProxy = chatClient(t.url, { cookie });
      (viaProxy.io.opts as { extraHeaders: Record<string, string> }).extraHeaders['X-Forwarded-Proto'] =
        'https';
      sockets.push(viaProxy);
      await connected(viaProxy);
      const plain = await refusal(chatClient(t.url, { cookie }));
      expect(plain.data?.code).toBe('UNAUTHENTICATED');
    } finally {
      await t.close();
    }
  });
});

/** The HTTP status of a bare Engine.IO handshake (a polling GET, or a websocket upgrade). */
function rawHandshakeStatus(
  url: string,
  transport: Transport,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const upgrade =
      transport === 'websocket'
        ? {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          }
        : {};
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=${transport}`, {
      headers: { ...headers, ...upgrade },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.end();
  });
}
