import signature from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import request from 'supertest';
import { newSessionId } from '../../src/session/session-id.js';
import { COOKIE_NAME, type SharedSession } from '../../src/session/session-middleware.js';
import { SHARED_SESSION } from '../../src/session/session.module.js';
import { loggedInAgent, sessionCookie, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { chatClient, connected, refusal } from '../helpers/sockets.js';

const SECRET = randomBytes(32).toString('base64url');
const cookieFor = (sid: string) => `${COOKIE_NAME}=${encodeURIComponent(`s:${signature.sign(sid, SECRET)}`)}`;

/**
 * Attack: session fixation. Plant a session id in the victim's browser (a cookie set from a sibling
 * subdomain, a shared computer), wait for the victim to log in under it, then use the same id.
 */
describe('session fixation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ SESSION_SECRET: SECRET });
  });
  afterAll(async () => {
    await t.close();
  });

  const stored = (sid: string) => {
    const store = t.app.get<SharedSession>(SHARED_SESSION).store;
    return promisify(store.get.bind(store))(sid);
  };

  it("gives the victim a new id at login when the planted id is the attacker's own live session", async () => {
    const attacker = await loggedInAgent(t.url);
    const victim = await loggedInAgent(t.url);
    await victim.agent.post('/auth/logout').expect(204);

    const login = await request(t.url)
      .post('/auth/login')
      .set('Cookie', attacker.cookie)
      .send({ username: victim.user.username, password: STRONG_PASSWORD })
      .expect(200);

    const issued = sessionCookie(login);
    expect(issued).not.toBe(attacker.cookie);
    expect((await request(t.url).get('/auth/me').set('Cookie', issued).expect(200)).body.user).toEqual(
      victim.user,
    );
    // The planted id did not become the victim's session (it no longer exists at all).
    await request(t.url).get('/auth/me').set('Cookie', attacker.cookie).expect(401);
  });

  it('never adopts a planted, validly signed id that names no session, over HTTP or a handshake', async () => {
    const victim = await loggedInAgent(t.url);
    const planted = newSessionId();

    expect((await refusal(chatClient(t.url, { cookie: cookieFor(planted) }))).data?.code).toBe(
      'SESSION_EXPIRED',
    );
    const login = await request(t.url)
      .post('/auth/login')
      .set('Cookie', cookieFor(planted))
      .send({ username: victim.user.username, password: STRONG_PASSWORD })
      .expect(200);

    expect(sessionCookie(login)).not.toBe(cookieFor(planted));
    expect(await stored(planted)).toBeFalsy();
    await request(t.url).get('/auth/me').set('Cookie', cookieFor(planted)).expect(401);
    const socket = chatClient(t.url, { cookie: sessionCookie(login) });
    try {
      await connected(socket);
    } finally {
      socket.close();
    }
  });

  it('stores no session for anonymous requests, so there is nothing to fix before login', async () => {
    const planted = newSessionId();
    await request(t.url).get('/auth/me').set('Cookie', cookieFor(planted)).expect(401);
    const anonymous = await request(t.url).get('/health').set('Cookie', cookieFor(planted)).expect(200);
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    expect(await stored(planted)).toBeFalsy();
  });
});
