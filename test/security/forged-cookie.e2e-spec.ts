import signature from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { COOKIE_NAME, SECURE_COOKIE_NAME } from '../../src/session/session-middleware.js';
import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { chatClient, refusal } from '../helpers/sockets.js';

const SECRET = randomBytes(32).toString('base64url');

/** Attack: present a session cookie we did not issue: unsigned, signed with a guessed key, altered. */
describe('forged session cookies', () => {
  let t: TestApp;
  let live: Awaited<ReturnType<typeof loggedInAgent>>;
  let sid: string;

  beforeAll(async () => {
    t = await startApp({ SESSION_SECRET: SECRET });
    live = await loggedInAgent(t.url);
    const raw = decodeURIComponent(live.cookie.slice(live.cookie.indexOf('=') + 1));
    sid = signature.unsign(raw.slice(2), SECRET) as string;
  });
  afterAll(async () => {
    await t.close();
  });

  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  const value = (v: string) => `${COOKIE_NAME}=${encodeURIComponent(v)}`;

  it.each([
    ['the live id, unsigned', () => value(sid)],
    ['the live id with the s: prefix but no signature', () => value(`s:${sid}`)],
    [
      'the live id signed with another key',
      () => value(`s:${signature.sign(sid, randomBytes(32).toString('base64url'))}`),
    ],
    ['the live id signed with an empty key', () => value(`s:${signature.sign(sid, '')}`)],
    [
      'the live id with one character of it changed',
      () =>
        value(
          `s:${signature.sign(flip(sid, 5), SECRET).replace(/\.[^.]+$/, '')}.${signature.sign(sid, SECRET).split('.').pop()}`,
        ),
    ],
    ['the live cookie with its signature truncated', () => live.cookie.slice(0, -6)],
    [
      'the live cookie with one signature character changed',
      () => {
        const c = decodeURIComponent(live.cookie.slice(COOKIE_NAME.length + 1));
        return value(flip(c, c.length - 3));
      },
    ],
    [
      'a second, forged cookie of the same name first (cookie tossing)',
      () => `${value(`s:${flip(sid, 0)}.x`)}; ${live.cookie}`,
    ],
    [
      'the live value under the __Host- name over plain HTTP',
      () => `${SECURE_COOKIE_NAME}=${live.cookie.slice(COOKIE_NAME.length + 1)}`,
    ],
    ['invalid percent-encoding', () => `${COOKIE_NAME}=%E0%A4%A`],
    ['an 8 KB value', () => value(`s:${'A'.repeat(8000)}`)],
  ])('refuses %s: 401 over HTTP, UNAUTHENTICATED on a socket, never 500', async (_, forged) => {
    const cookie = forged();
    const me = await request(t.url).get('/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    const logout = await request(t.url).post('/auth/logout').set('Cookie', cookie);
    expect(logout.status).toBe(401);
    expect((await refusal(chatClient(t.url, { cookie }))).data?.code).toBe('UNAUTHENTICATED');
    // The real session was not hurt by any of it.
    await live.agent.get('/auth/me').expect(200);
  });
});
