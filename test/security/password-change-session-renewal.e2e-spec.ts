import signature from 'cookie-signature';
import type { SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import request from 'supertest';
import { SHARED_SESSION } from '../../src/session/session.module.js';
import type { SharedSession } from '../../src/session/session-middleware.js';
import {
  loggedInAgent,
  sessionCookie,
  startApp,
  STRONG_PASSWORD,
  tempDir,
  type TestApp,
} from '../helpers/app.js';
import {
  ack,
  chatClient,
  collect,
  connected,
  nextEvent,
  refusal,
  TRANSPORTS,
  type ChatClient,
} from '../helpers/sockets.js';

const NEW_PASSWORD = 'a brand new passphrase for this';
const SECRET = randomBytes(32).toString('base64url');

/**
 * Attack: copy the session cookie (a shared computer, a leaked log) before its owner changes the
 * password, and keep using the copy. A privilege change must give the session a new id.
 */
describe('a password change renews the session id', () => {
  let one: TestApp;
  let two: TestApp;
  const sockets: ChatClient[] = [];
  const track = (socket: ChatClient) => (sockets.push(socket), socket);

  beforeAll(async () => {
    // Two instances sharing DATA_DIR (SQLite, file sessions): what one revokes, the other refuses.
    const env = { DATA_DIR: tempDir(), SESSION_SECRET: SECRET };
    one = await startApp(env);
    two = await startApp(env);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  /** `passport.user` of the session a cookie names, as the shared store holds it. */
  const storedLogin = async (cookie: string) => {
    const raw = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    const sid = signature.unsign(raw.slice(2), SECRET) as string;
    const store = one.app.get<SharedSession>(SHARED_SESSION).store;
    const stored = (await promisify(store.get.bind(store))(sid)) as SessionData | null | undefined;
    return stored?.passport?.user;
  };

  const changePassword = async (agent: request.Agent) => {
    const res = await agent
      .post('/auth/password')
      .send({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);
    return sessionCookie(res);
  };

  it('makes a copy of the old cookie worthless over HTTP and for new sockets, on every instance', async () => {
    const { agent, cookie: copied } = await loggedInAgent(one.url);

    const renewed = await changePassword(agent);

    expect(renewed).not.toBe(copied);
    for (const t of [one, two]) {
      const me = await request(t.url).get('/auth/me').set('Cookie', copied);
      expect(me.status).toBe(401);
      expect((await refusal(track(chatClient(t.url, { cookie: copied })))).data?.code).toBe(
        'SESSION_EXPIRED',
      );
    }
  });

  it('keeps the changing tab logged in under the new cookie, over HTTP and for new sockets, on every instance', async () => {
    const { agent, user } = await loggedInAgent(one.url);
    const renewed = await changePassword(agent);

    await agent.get('/auth/me').expect(200);
    for (const t of [one, two]) {
      const me = await request(t.url).get('/auth/me').set('Cookie', renewed).expect(200);
      expect(me.body.user).toEqual(user);
      const socket = track(chatClient(t.url, { cookie: renewed }));
      await connected(socket);
      expect((await ack(socket, 'room:join', { roomId: 'general' })).ok).toBe(true);
    }
  });

  it('carries the login over with the new epoch and the original login time (the absolute lifetime does not grow)', async () => {
    const { agent, cookie } = await loggedInAgent(one.url);
    const before = await storedLogin(cookie);

    const after = await storedLogin(await changePassword(agent));

    expect(after).toEqual({ id: before!.id, epoch: before!.epoch + 1, iat: before!.iat });
    expect(await storedLogin(cookie)).toBeUndefined();
  });

  describe.each(TRANSPORTS)('the changing tab socket over %s', (transport) => {
    it('is closed without session:ended, reconnects with the new cookie and works', async () => {
      const { agent, cookie } = await loggedInAgent(one.url);
      const tab = track(chatClient(one.url, { cookie, transport }));
      await connected(tab);
      await ack(tab, 'room:join', { roomId: 'general' });
      const ended = collect(tab, 'session:ended');
      const dropped = nextEvent(tab, 'disconnect');

      const renewed = await changePassword(agent);

      // 'transport close' (not 'io server disconnect') is what makes a client reconnect by itself.
      expect(await dropped).toBe('transport close');
      expect(ended).toEqual([]);
      // What a browser does on its own: the next handshake carries the cookie it now holds.
      tab.io.opts.extraHeaders = { Cookie: renewed };
      await connected(tab);
      expect((await ack(tab, 'room:join', { roomId: 'general' })).ok).toBe(true);
      const sent = await ack(tab, 'message:send', {
        roomId: 'general',
        text: 'still here',
        clientMsgId: `m-${transport}`,
      });
      expect(sent.ok).toBe(true);
    });

    it('still ends the sockets of the other sessions of the user', async () => {
      const { agent, user, cookie } = await loggedInAgent(one.url);
      const other = await request(one.url)
        .post('/auth/login')
        .send({ username: user.username, password: STRONG_PASSWORD });
      const otherTab = track(chatClient(one.url, { cookie: sessionCookie(other), transport }));
      const tab = track(chatClient(one.url, { cookie, transport }));
      await Promise.all([connected(otherTab), connected(tab)]);
      const ended = nextEvent(otherTab, 'session:ended');

      await changePassword(agent);

      expect(await ended).toEqual({ reason: 'password_changed' });
    });
  });
});
