import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  loggedInAgent,
  sessionCookie,
  startApp,
  STRONG_PASSWORD,
  tempDir,
  uniqueName,
  type TestApp,
} from './helpers/app.js';
import {
  ack,
  chatClient,
  connected,
  nextEvent,
  refusal,
  serverSocket,
  TRANSPORTS,
  type ChatClient,
  type ClientOptions,
  type Transport,
} from './helpers/sockets.js';

type Session = Awaited<ReturnType<typeof loggedInAgent>>;

const JWT_SECRET = randomBytes(48).toString('base64url');
const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

function client(t: TestApp, options: ClientOptions): ChatClient {
  const socket = chatClient(t.url, options);
  sockets.push(socket);
  return socket;
}

async function issueTicket(session: Pick<Session, 'agent'>): Promise<{ ticket: string; expiresAt: string }> {
  const res = await session.agent.post('/auth/ws-ticket').expect(201);
  return res.body as { ticket: string; expiresAt: string };
}

async function issueToken(session: Pick<Session, 'agent'>): Promise<string> {
  const res = await session.agent.post('/auth/token').expect(201);
  return (res.body as { accessToken: string }).accessToken;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function resign(claims: JWTPayload, secret: string, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** Tokens that must be refused, each built from a genuine one's claims. */
async function badTokens(genuine: string, otherUserId: string): Promise<[string, unknown, string][]> {
  const claims = decodeJwt(genuine);
  const now = Math.floor(Date.now() / 1000);
  const [header, , signature] = genuine.split('.');
  return [
    ['expired', await resign({ ...claims, iat: now - 120, exp: now - 60 }, JWT_SECRET), 'TOKEN_EXPIRED'],
    ['tampered', `${header}.${b64({ ...claims, sub: otherUserId })}.${signature}`, 'TOKEN_INVALID'],
    ['alg:none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'TOKEN_INVALID'],
    ['signed with another key', await resign(claims, randomBytes(48).toString('base64url')), 'TOKEN_INVALID'],
    ['signed with HS512', await resign(claims, JWT_SECRET, 'HS512'), 'TOKEN_INVALID'],
    [
      'for a stale epoch',
      await resign({ ...claims, epoch: Number(claims.epoch) + 1 }, JWT_SECRET),
      'TOKEN_INVALID',
    ],
    ['for an unknown user', await resign({ ...claims, sub: 'nobody' }, JWT_SECRET), 'TOKEN_INVALID'],
    ['without a session', await resign({ ...claims, sid: undefined }, JWT_SECRET), 'TOKEN_INVALID'],
    ['garbage', 'not.a.jwt', 'TOKEN_INVALID'],
    ['not a string', 42, 'TOKEN_INVALID'],
  ];
}

describe('one-time tickets and access tokens', () => {
  let t: TestApp;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    t = await startApp({ JWT_SECRET });
    alice = await loggedInAgent(t.url, uniqueName('alice'));
    bob = await loggedInAgent(t.url, uniqueName('bob'));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /auth/ws-ticket and POST /auth/token', () => {
    it('issues a 256-bit ticket valid for 30 s, not to be cached', async () => {
      const res = await alice.agent.post('/auth/ws-ticket').expect(201);
      expect(res.body).toEqual({
        ticket: expect.stringMatching(/^[\w-]{43}$/),
        expiresAt: expect.any(String),
      });
      expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(25_000);
      expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThanOrEqual(30_000);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('issues an HS256 token bound to the user, the session and the auth epoch', async () => {
      const res = await alice.agent.post('/auth/token').expect(201);
      expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      const [header] = (res.body.accessToken as string).split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodeJwt(res.body.accessToken as string);
      expect(claims).toEqual({
        sub: alice.user.id,
        sid: expect.stringMatching(/^[\w-]{32}$/),
        epoch: 0,
        jti: expect.any(String),
        iat: expect.any(Number),
        exp: (claims.iat ?? 0) + 900,
      });
      expect(decodeJwt(await issueToken(alice)).jti).not.toBe(claims.jti);
    });

    it.each(['/auth/ws-ticket', '/auth/token'])('%s needs the session cookie', async (path) => {
      const token = await issueToken(alice);
      const anonymous = await request(t.url).post(path).expect(401);
      expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      const bearer = await request(t.url).post(path).set('Authorization', `Bearer ${token}`).expect(401);
      expect(bearer.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it.each(['/auth/ws-ticket', '/auth/token'])(
      '%s refuses a body and a cross-site request',
      async (path) => {
        const res = await alice.agent.post(path).send({ ttl: 3600 }).expect(400);
        expect(res.body).toMatchObject({ code: 'VALIDATION' });
        await alice.agent.post(path).set('Origin', 'https://evil.example').expect(403);
      },
    );
  });

  describe('bearer tokens over HTTP', () => {
    it('authenticates GET /auth/me, the rooms endpoints, and sets no cookie', async () => {
      const token = await issueToken(alice);
      const bearer = (req: request.Test) => req.set('Authorization', `Bearer ${token}`);
      const me = await bearer(request(t.url).get('/auth/me')).expect(200);
      expect(me.body).toEqual({ user: alice.user });
      expect(me.headers['set-cookie']).toBeUndefined();
      const rooms = await bearer(request(t.url).get('/rooms')).expect(200);
      expect(rooms.body.rooms).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'general' })]));
      expect(rooms.headers['set-cookie']).toBeUndefined();
      const created = await bearer(request(t.url).post('/rooms'))
        .send({ name: 'bearer room', visibility: 'private' })
        .expect(201);
      expect(created.body.room).toMatchObject({ ownerId: alice.user.id });
      const id = created.body.room.id as string;
      await bearer(request(t.url).get(`/rooms/${id}`)).expect(200);
      await bearer(request(t.url).post(`/rooms/${id}/members`))
        .send({ username: bob.user.username })
        .expect(204);
      await bearer(request(t.url).get(`/rooms/${id}/messages`)).expect(200);
    });

    it('does not let a bearer token log out or change the password', async () => {
      const session = await loggedInAgent(t.url);
      const token = await issueToken(session);
      const bearer = `Bearer ${token}`;
      const password = { currentPassword: STRONG_PASSWORD, newPassword: 'a token cannot set this' };
      const changed = await request(t.url).post('/auth/password').set('Authorization', bearer).send(password);
      expect({ status: changed.status, code: changed.body.code }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      const loggedOut = await request(t.url).post('/auth/logout').set('Authorization', bearer);
      expect({ status: loggedOut.status, code: loggedOut.body.code }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      await request(t.url).get('/auth/me').set('Authorization', bearer).expect(200);
    });

    it('refuses bad tokens with 401 and the right code', async () => {
      for (const [name, token, code] of await badTokens(await issueToken(alice), bob.user.id)) {
        const res = await request(t.url)
          .get('/rooms')
          .set('Authorization', `Bearer ${String(token)}`);
        expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 401, code });
      }
      const malformed = await request(t.url).get('/auth/me').set('Authorization', 'Bearer');
      expect(malformed.body).toMatchObject({ code: 'TOKEN_INVALID' });
    });
  });

  describe.each(TRANSPORTS)('socket credentials over %s', (transport: Transport) => {
    it('connects with a ticket and no cookie, as the user who asked for it', async () => {
      const { ticket } = await issueTicket(alice);
      const socket = await connected(client(t, { transport, auth: { ticket } }));
      const joined = await ack(socket, 'room:join', { roomId: 'general' });
      expect(joined).toMatchObject({ ok: true, online: expect.arrayContaining([alice.user]) });
      expect(serverSocket(t, socket).data).toMatchObject({ user: alice.user, via: 'ticket' });
    });

    it('refuses a used ticket with TICKET_INVALID', async () => {
      const { ticket } = await issueTicket(alice);
      await connected(client(t, { transport, auth: { ticket } }));
      const err = await refusal(client(t, { transport, auth: { ticket } }));
      expect(err.data).toEqual({ code: 'TICKET_INVALID', message: expect.any(String) });
    });

    it.each([
      ['an unknown ticket', randomBytes(32).toString('base64url')],
      ['a malformed ticket', 'short'],
      ['a non-string ticket', { $ne: null }],
    ])('refuses %s with TICKET_INVALID', async (_, ticket) => {
      const err = await refusal(client(t, { transport, auth: { ticket } }));
      expect(err.data?.code).toBe('TICKET_INVALID');
    });

    it('judges a ticket alone, even when a cookie rides along', async () => {
      const { ticket } = await issueTicket(alice);
      const socket = await connected(client(t, { transport, cookie: bob.cookie, auth: { ticket } }));
      expect(serverSocket(t, socket).data.user).toEqual(alice.user);
      const err = await refusal(client(t, { transport, cookie: bob.cookie, auth: { ticket } }));
      expect(err.data?.code).toBe('TICKET_INVALID');
    });

    it('connects with an access token', async () => {
      const token = await issueToken(alice);
      const socket = await connected(client(t, { transport, auth: { token } }));
      expect(await ack(socket, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      const { data } = serverSocket(t, socket);
      expect(data).toMatchObject({ user: alice.user, via: 'token', expiresAt: decodeJwt(token).exp! * 1000 });
    });

    it('refuses expired, tampered, alg:none, wrong-key and garbage tokens with the right code', async () => {
      for (const [name, token, code] of await badTokens(await issueToken(alice), bob.user.id)) {
        const err = await refusal(client(t, { transport, auth: { token } }));
        expect({ name, code: err.data?.code }).toEqual({ name, code });
      }
    });

    it('ends ticket- and token-born sockets on logout of the issuing session, and voids its credentials', async () => {
      const session = await loggedInAgent(t.url);
      const unusedTicket = (await issueTicket(session)).ticket;
      const token = await issueToken(session);
      const byTicket = await connected(
        client(t, { transport, auth: { ticket: (await issueTicket(session)).ticket } }),
      );
      const byToken = await connected(client(t, { transport, auth: { token } }));
      const bystander = await connected(client(t, { transport, auth: { token: await issueToken(alice) } }));
      const events = [byTicket, byToken].map((s) => [
        nextEvent(s, 'session:ended'),
        nextEvent(s, 'disconnect'),
      ]);

      await session.agent.post('/auth/logout').expect(204);

      for (const [ended, disconnect] of events) {
        expect(await ended).toEqual({ reason: 'logout' });
        expect(await disconnect).toBe('io server disconnect');
      }
      expect(bystander.connected).toBe(true);
      const http = await request(t.url).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(http.body).toMatchObject({ code: 'TOKEN_INVALID' });
      expect((await refusal(client(t, { transport, auth: { token } }))).data?.code).toBe('TOKEN_INVALID');
      expect((await refusal(client(t, { transport, auth: { ticket: unusedTicket } }))).data?.code).toBe(
        'TICKET_INVALID',
      );
    });

    it('a password change ends every derived socket but the changing tab and voids every older credential', async () => {
      const username = uniqueName('pwd');
      const mine = await loggedInAgent(t.url, username);
      const other = { agent: request.agent(t.url) };
      await other.agent.post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);
      const otherToken = await issueToken(other);
      const myToken = await issueToken(mine);
      const myTicket = (await issueTicket(mine)).ticket;
      const ended = await connected(client(t, { transport, auth: { token: otherToken } }));
      const endedEvent = nextEvent(ended, 'session:ended');
      // Even the changing session's own token socket ends: its token carries the old epoch.
      const mineByToken = await connected(client(t, { transport, auth: { token: myToken } }));
      const mineByTokenEvent = nextEvent(mineByToken, 'session:ended');
      const mineByCookie = await connected(client(t, { transport, cookie: mine.cookie }));
      const mineByCookieDropped = nextEvent(mineByCookie, 'disconnect');

      const changed = await mine.agent
        .post('/auth/password')
        .send({ currentPassword: STRONG_PASSWORD, newPassword: 'brand new passphrase 2' })
        .expect(204);

      expect(await endedEvent).toEqual({ reason: 'password_changed' });
      expect(await mineByTokenEvent).toEqual({ reason: 'password_changed' });
      // The changing tab's cookie socket reconnects under the session's new id.
      expect(await mineByCookieDropped).toBe('transport close');
      const again = await connected(client(t, { transport, cookie: sessionCookie(changed) }));
      expect(await ack(again, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      for (const token of [otherToken, myToken]) {
        expect((await refusal(client(t, { transport, auth: { token } }))).data?.code).toBe('TOKEN_INVALID');
      }
      expect((await refusal(client(t, { transport, auth: { ticket: myTicket } }))).data?.code).toBe(
        'TICKET_INVALID',
      );
      // The session that changed the password stays good, and so do credentials it issues now.
      await connected(client(t, { transport, auth: { token: await issueToken(mine) } }));
    });

    it.each([
      ['session', 'SESSION_EXPIRED'],
      ['ticket', 'SESSION_EXPIRED'],
      ['token', 'TOKEN_EXPIRED'],
    ] as const)('the guard refuses an event once a %s socket expired, then ends it', async (via, code) => {
      const options: ClientOptions =
        via === 'session'
          ? { transport, cookie: alice.cookie }
          : via === 'ticket'
            ? { transport, auth: { ticket: (await issueTicket(alice)).ticket } }
            : { transport, auth: { token: await issueToken(alice) } };
      const socket = await connected(client(t, options));
      expect(await ack(socket, 'room:join', { roomId: 'general' })).toMatchObject({ ok: true });
      if (via === 'session') {
        // A cookie socket renews its session once on connect, which resets its expiry; let it finish.
        const idleMs = t.config.sessionIdleTimeoutSec * 1000;
        await vi.waitFor(() =>
          expect(serverSocket(t, socket).data.expiresAt).toBeLessThanOrEqual(Date.now() + idleMs),
        );
      }
      // The instant between the credential's expiry and its timer: only the guard stands there.
      serverSocket(t, socket).data.expiresAt = Date.now() - 1;
      const ended = nextEvent(socket, 'session:ended');
      const disconnect = nextEvent(socket, 'disconnect');
      expect(await ack(socket, 'presence:list', { roomId: 'general' })).toEqual({
        ok: false,
        error: { code, message: expect.any(String) },
      });
      expect(await ended).toEqual({ reason: 'expired' });
      expect(await disconnect).toBe('io server disconnect');
    });
  });
});

describe('ticket redemption races and expiry', () => {
  let t: TestApp;
  let alice: Session;
  beforeAll(async () => {
    t = await startApp({ TICKET_TTL: '1' });
    alice = await loggedInAgent(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses an expired ticket with TICKET_INVALID', async () => {
    const { ticket, expiresAt } = await issueTicket(alice);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
    // Any attempt before expiry would consume the ticket, so wait for the clock, not the socket.
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(expiresAt)), {
      timeout: 5000,
      interval: 50,
    });
    const err = await refusal(client(t, { auth: { ticket } }));
    expect(err.data?.code).toBe('TICKET_INVALID');
  });

  it.each(TRANSPORTS)('lets exactly one of two concurrent redemptions through (%s)', async (transport) => {
    const session = await loggedInAgent(t.url);
    for (let round = 0; round < 20; round++) {
      const res = await session.agent.post('/auth/ws-ticket').expect(201);
      const pair = [0, 1].map(() => client(t, { transport, auth: { ticket: res.body.ticket } }));
      const outcomes = await Promise.allSettled(pair.map((s) => connected(s)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect((loser.reason as { data?: { code: string } }).data?.code).toBe('TICKET_INVALID');
      for (const s of pair) s.close();
    }
  });
});

describe('instances sharing one data directory', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const dir = tempDir();
    // No JWT_SECRET: both derive the signing key from the session secret kept in DATA_DIR.
    first = await startApp({ DATA_DIR: dir });
    second = await startApp({ DATA_DIR: dir });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('redeems a ticket issued by one instance on the other, once', async () => {
    const session = await loggedInAgent(first.url);
    const { ticket } = await issueTicket(session);
    const socket = await connected(client(second, { auth: { ticket } }));
    expect(serverSocket(second, socket).data.user).toEqual(session.user);
    expect((await refusal(client(first, { auth: { ticket } }))).data?.code).toBe('TICKET_INVALID');
    expect((await refusal(client(second, { auth: { ticket } }))).data?.code).toBe('TICKET_INVALID');
  });

  it('accepts a token issued by one instance on the other', async () => {
    const session = await loggedInAgent(first.url);
    const token = await issueToken(session);
    await connected(client(second, { auth: { token } }));
    await request(second.url).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  });
});

describe('token expiry', () => {
  it.each(TRANSPORTS)('ends a token-born socket when its token expires (%s)', async (transport) => {
    const t = await startApp({ TOKEN_TTL: '2' });
    try {
      const session = await loggedInAgent(t.url);
      const token = await issueToken(session);
      const socket = await connected(client(t, { transport, auth: { token } }));
      const ended = nextEvent(socket, 'session:ended', 5000);
      const disconnect = nextEvent(socket, 'disconnect', 5000);
      expect(await ended).toEqual({ reason: 'expired' });
      expect(await disconnect).toBe('io server disconnect');
      expect((await refusal(client(t, { transport, auth: { token } }))).data?.code).toBe('TOKEN_EXPIRED');
      const http = await request(t.url).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(http.body).toMatchObject({ code: 'TOKEN_EXPIRED' });
    } finally {
      await t.close();
    }
  });
});
