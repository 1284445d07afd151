import request from 'supertest';
import { API_KEY_HEADER } from '../src/protocol/limits.js';
import { apiClient, newApiKey } from './helpers/api.js';
import { loggedInAgent, startApp, STRONG_PASSWORD, uniqueName, type TestApp } from './helpers/app.js';
import { chatClient, connected, nextEvent, refusal, type ChatClient } from './helpers/sockets.js';

const KEY = newApiKey();
const NEW_PASSWORD = 'an operator chose this one';

const sockets: ChatClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function socketOf(t: TestApp, cookie: string): Promise<ChatClient> {
  const socket = chatClient(t.url, { cookie });
  sockets.push(socket);
  return connected(socket);
}

/** `session:ended` then the server's disconnect, in that order. */
async function ending(socket: ChatClient): Promise<string[]> {
  const seen: string[] = [];
  socket.on('session:ended', ({ reason }) => seen.push(`ended:${reason}`));
  await nextEvent(socket, 'disconnect').then((reason) => seen.push(`disconnect:${String(reason)}`));
  return seen;
}

const login = (t: TestApp, username: string, password = STRONG_PASSWORD) =>
  request(t.url).post('/auth/login').send({ username, password });

describe('the server API on accounts', () => {
  let t: TestApp;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY, LOGIN_MAX_FAILURES_PER_USER: '2', REGISTRATION: 'closed' });
    api = apiClient(t.url, KEY);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('the key', () => {
    it('answers 401 UNAUTHENTICATED without a key and with a wrong one, before anything runs', async () => {
      const username = uniqueName('nokey');
      const none = await request(t.url).post('/api/users').send({ username, password: STRONG_PASSWORD });
      expect(none.status).toBe(401);
      expect(none.body.code).toBe('UNAUTHENTICATED');
      for (const wrong of [newApiKey(), KEY.slice(0, -1), `${KEY}x`, '']) {
        const res = await request(t.url)
          .post('/api/users')
          .set(API_KEY_HEADER, wrong)
          .send({ username, password: STRONG_PASSWORD });
        expect(res.status, wrong).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      }
      await request(t.url).get('/api/info').set(API_KEY_HEADER, newApiKey()).expect(401);
      // Nothing was created by the refused calls.
      await api.post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
    });

    it('does not take a session cookie instead of the key', async () => {
      const { agent } = await createdAndLoggedIn();
      const res = await agent.get('/api/info');
      expect(res.status).toBe(401);
    });
  });

  describe('POST /api/users', () => {
    it('creates an account that can log in, while registration is closed', async () => {
      const username = uniqueName('made');
      const res = await api
        .post('/api/users', { username, password: STRONG_PASSWORD, displayName: 'Made By Ops' })
        .expect(201);
      expect(res.body.user).toEqual({ id: expect.any(String), username, displayName: 'Made By Ops' });
      const registered = await request(t.url)
        .post('/auth/register')
        .send({ username: uniqueName(), password: STRONG_PASSWORD });
      expect(registered.status).toBe(403);
      expect(registered.body.code).toBe('REGISTRATION_CLOSED');
      await login(t, username).expect(200);
    });

    it('answers 409 CONFLICT for a taken username and 400 VALIDATION for a bad body', async () => {
      const username = uniqueName('dup');
      await api.post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
      const taken = await api.post('/api/users', {
        username: username.toUpperCase(),
        password: STRONG_PASSWORD,
      });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('CONFLICT');
      const cases: [object, string][] = [
        [{ username: 'ab', password: STRONG_PASSWORD }, 'username'],
        [{ username: uniqueName(), password: 'short' }, 'password'],
        [{ username: uniqueName(), password: STRONG_PASSWORD, admin: true }, 'admin'],
        [{ username: { $ne: null }, password: STRONG_PASSWORD }, 'username'],
      ];
      for (const [body, field] of cases) {
        const res = await api.post('/api/users', body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });

  describe('POST /api/users/:username/unlock', () => {
    it("clears a username's lockout, so the right password logs in at once", async () => {
      const username = await created();
      for (let i = 0; i < 2; i++) await login(t, username, 'not the password!').expect(401);
      await login(t, username).expect(429);
      await api.post(`/api/users/${username}/unlock`).expect(204);
      await login(t, username).expect(200);
    });
  });

  describe('POST /api/users/:username/disable and /enable', () => {
    it('ends the sessions and sockets of the user with session:ended disabled and refuses their logins whatever the password', async () => {
      const { agent, cookie, username } = await createdAndLoggedIn();
      const ticket = (await agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;
      const token = (await agent.post('/auth/token').expect(201)).body.accessToken as string;
      const ended = ending(await socketOf(t, cookie));

      await api.post(`/api/users/${username}/disable`).expect(204);
      expect(await ended).toEqual(['ended:disabled', 'disconnect:io server disconnect']);
      expect((await agent.get('/auth/me')).status).toBe(401);
      expect((await request(t.url).get('/auth/me').set('Authorization', `Bearer ${token}`)).body.code).toBe(
        'TOKEN_INVALID',
      );
      expect((await refusal(chatClient(t.url, { auth: { ticket } }))).data?.code).toBe('TICKET_INVALID');
      for (const password of [STRONG_PASSWORD, 'not the password!']) {
        const res = await login(t, username, password);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ code: 'ACCOUNT_DISABLED', message: 'This account is disabled' });
      }
    });

    it('lets an enabled user log in again, while what the disabling ended stays ended', async () => {
      const { agent, username } = await createdAndLoggedIn();
      await api.post(`/api/users/${username}/disable`).expect(204);
      await api.post(`/api/users/${username}/enable`).expect(204);
      expect((await agent.get('/auth/me')).status).toBe(401);
      await login(t, username).expect(200);
    });
  });

  describe('POST /api/users/:username/sessions/revoke', () => {
    it('ends every session, ticket, token and socket of the user with session:ended revoked', async () => {
      const first = await createdAndLoggedIn();
      const second = await login(t, first.username).expect(200);
      const otherCookie = String(second.headers['set-cookie']).split(';')[0];
      const ticket = (await first.agent.post('/auth/ws-ticket').expect(201)).body.ticket as string;
      const token = (await first.agent.post('/auth/token').expect(201)).body.accessToken as string;
      const tokenSocket = chatClient(t.url, { auth: { token } });
      sockets.push(tokenSocket);
      const endings = [
        ending(await socketOf(t, first.cookie)),
        ending(await socketOf(t, otherCookie)),
        ending(await connected(tokenSocket)),
      ];

      await api.post(`/api/users/${first.username}/sessions/revoke`).expect(204);
      for (const ended of endings)
        expect(await ended).toEqual(['ended:revoked', 'disconnect:io server disconnect']);
      expect((await first.agent.get('/auth/me')).status).toBe(401);
      expect((await request(t.url).get('/auth/me').set('Cookie', otherCookie)).status).toBe(401);
      expect((await request(t.url).get('/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
      expect((await refusal(chatClient(t.url, { auth: { ticket } }))).data?.code).toBe('TICKET_INVALID');
      // Revoking is not disabling: the user logs in again.
      await login(t, first.username).expect(200);
    });
  });

  describe('POST /api/users/:username/password', () => {
    it("sets the password and ends the user's sessions and sockets with session:ended password_changed", async () => {
      const { agent, cookie, username } = await createdAndLoggedIn();
      const ended = ending(await socketOf(t, cookie));
      await api.post(`/api/users/${username}/password`, { newPassword: NEW_PASSWORD }).expect(204);
      expect(await ended).toEqual(['ended:password_changed', 'disconnect:io server disconnect']);
      expect((await agent.get('/auth/me')).status).toBe(401);
      await login(t, username).expect(401);
      await login(t, username, NEW_PASSWORD).expect(200);
    });

    it('answers 400 VALIDATION for a short or missing password, and changes nothing', async () => {
      const username = await created();
      for (const body of [
        { newPassword: 'short' },
        {},
        { newPassword: NEW_PASSWORD, currentPassword: 'x' },
      ]) {
        const res = await api.post(`/api/users/${username}/password`, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION');
      }
      await login(t, username).expect(200);
    });
  });

  describe('every operation on a user', () => {
    const ACTIONS = ['unlock', 'disable', 'enable', 'sessions/revoke'];

    it.each(ACTIONS)('%s answers 404 NOT_FOUND for an unknown user', async (action) => {
      const res = await api.post(`/api/users/${uniqueName('ghost')}/${action}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      const reset = await api.post(`/api/users/${uniqueName('ghost')}/password`, {
        newPassword: NEW_PASSWORD,
      });
      expect(reset.status).toBe(404);
    });

    it.each(ACTIONS)('%s answers 400 VALIDATION for a malformed username or a body', async (action) => {
      for (const username of ['ab', 'x'.repeat(33), 'bad%20name', '%00null']) {
        const res = await api.post(`/api/users/${username}/${action}`);
        expect(res.status, username).toBe(400);
        expect(res.body.code).toBe('VALIDATION');
      }
      const withBody = await api.post(`/api/users/${await created()}/${action}`, { force: true });
      expect(withBody.status).toBe(400);
    });
  });

  async function created(): Promise<string> {
    const username = uniqueName('acct');
    await api.post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
    return username;
  }

  async function createdAndLoggedIn() {
    const username = await created();
    const agent = request.agent(t.url);
    const res = await agent.post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);
    return { agent, username, cookie: String(res.headers['set-cookie']).split(';')[0] };
  }
});

describe('the server API without API_KEY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 404 NOT_FOUND on every /api route, whatever key is sent', async () => {
    const { user } = await loggedInAgent(t.url);
    const calls = [
      request(t.url).post('/api/users').send({ username: uniqueName(), password: STRONG_PASSWORD }),
      request(t.url).post(`/api/users/${user.username}/disable`).set(API_KEY_HEADER, KEY),
      request(t.url).post(`/api/users/${user.username}/sessions/revoke`).set(API_KEY_HEADER, ''),
      request(t.url).post('/api/rooms/general/messages').set(API_KEY_HEADER, KEY).send({ text: 'hi' }),
      request(t.url).get('/api/rooms/general/presence').set(API_KEY_HEADER, KEY),
      request(t.url).get('/api/info'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    await login(t, user.username).expect(200);
  });
});
