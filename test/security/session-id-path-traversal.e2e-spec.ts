import signature from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createClient } from 'redis';
import request from 'supertest';
import { COOKIE_NAME } from '../../src/session/session-middleware.js';
import type { RedisClient } from '../../src/storage/connections.js';
import { startRedis } from '../../tools/processes.js';
import { loggedInAgent, startApp, STRONG_PASSWORD, tempDir, type TestApp } from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';
import { chatClient, refusal } from '../helpers/sockets.js';

/**
 * Attack: with a validly signed cookie (a leaked or weak secret), pick a session id that the session
 * store turns into something else: a path outside its directory, a key it was never given.
 */
const secret = randomBytes(32).toString('base64url');
const forged = (sid: string) => `${COOKIE_NAME}=${encodeURIComponent(`s:${signature.sign(sid, secret)}`)}`;
const sidOf = (cookie: string) => {
  const raw = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return signature.unsign(raw.slice(2), secret) as string;
};

/** The content of each file, to show none was read into a session, rewritten or removed. */
const contents = (files: string[]) => files.map((file) => readFileSync(file, 'utf8'));

/** What the forged cookie gets: HTTP answers on the cookie's endpoints, and a socket handshake. */
async function tryCookie(t: TestApp, cookie: string) {
  const me = await request(t.url).get('/auth/me').set('Cookie', cookie);
  const logout = await request(t.url).post('/auth/logout').set('Cookie', cookie);
  const token = await request(t.url).post('/auth/token').set('Cookie', cookie);
  const socket = await refusal(chatClient(t.url, { cookie })).catch((error: Error) => ({
    message: error.message,
    data: { code: 'CONNECTED', message: '' },
  }));
  return { statuses: [me.status, logout.status, token.status], bodies: [me.body, logout.body], socket };
}

describe('session ids from signed cookies, file store', () => {
  let t: TestApp;
  let outside: string;
  let planted: string[];
  let before: string[];

  beforeAll(async () => {
    t = await startApp({ SESSION_SECRET: secret });
    const { cookie } = await loggedInAgent(t.url);
    const sessions = join(t.dataDir, 'sessions');
    // A real, live session of that user, planted where only a path traversal would find it.
    copyFileSync(join(sessions, `${sidOf(cookie)}.json`), join(t.dataDir, 'planted.json'));
    writeFileSync(join(t.dataDir, 'garbage.json'), 'not json {');
    const expired = JSON.parse(readFileSync(join(t.dataDir, 'planted.json'), 'utf8'));
    writeFileSync(join(t.dataDir, 'expired.json'), JSON.stringify({ ...expired, __lastAccess: 0 }));
    // And a directory beside DATA_DIR holding an ordinary JSON file.
    outside = tempDir('tether-outside-');
    mkdirSync(join(outside, 'app'));
    writeFileSync(join(outside, 'app', 'package.json'), JSON.stringify({ name: 'victim', version: '1.0.0' }));
    planted = [
      ...['planted', 'garbage', 'expired'].map((name) => join(t.dataDir, `${name}.json`)),
      join(outside, 'app', 'package.json'),
    ];
    before = contents(planted);
  });
  afterAll(async () => {
    await t.close();
  });

  const up = () => `../../${basename(outside)}/app/package`;
  it.each([
    ['a traversal to a planted live session', () => '../planted'],
    ['a traversal to a file that is no JSON', () => '../garbage'],
    ['a traversal to an expired-looking session', () => '../expired'],
    ['a traversal to a JSON file outside DATA_DIR', up],
    ['a slash', () => 'sub/dir'],
    ['a percent-encoded dot sequence', () => '%2e%2e%2fplanted'],
    ['a NUL byte', () => `${randomBytes(24).toString('base64url')}\0`],
    ['an overlong id', () => 'A'.repeat(4000)],
    ['a well-formed id with one character too many', () => `${randomBytes(24).toString('base64url')}x`],
  ])('treats %s as no session (401, SESSION_EXPIRED), never 500, touching no file', async (_, sid) => {
    const answer = await tryCookie(t, forged(sid()));

    expect(answer.statuses).toEqual([401, 401, 401]);
    for (const body of answer.bodies)
      expect(body).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    expect(answer.socket.data?.code).toBe('SESSION_EXPIRED');
    expect(contents(planted)).toEqual(before);
  });

  it('logs in over a forged cookie with a fresh id, leaving the forged one unused', async () => {
    const { user } = await loggedInAgent(t.url);
    const res = await request(t.url)
      .post('/auth/login')
      .set('Cookie', forged('../planted'))
      .send({ username: user.username, password: STRONG_PASSWORD })
      .expect(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0].split(';')[0];
    expect(sidOf(cookie)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(contents(planted)).toEqual(before);
  });
});

describeWithBinary(
  requireBinary('redis-server'),
  'session ids from signed cookies, Redis store',
  ([binary]) => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let client: RedisClient;
    let t: TestApp;

    beforeAll(async () => {
      redis = await startRedis(binary);
      client = createClient({ url: redis.url });
      await client.connect();
      t = await startApp({ SESSION_SECRET: secret, REDIS_URL: redis.url, SESSION_STORE: 'redis' });
    });
    afterAll(async () => {
      await t?.close();
      await client?.quit();
      await redis?.stop();
    });

    it('never asks Redis for a key our generator could not have made, even one that holds a live session', async () => {
      const { cookie } = await loggedInAgent(t.url);
      const live = await client.get(`tether:sess:${sidOf(cookie)}`);
      expect(live).toContain('passport');
      for (const sid of ['../planted', 'planted*', `${'x'.repeat(31)} `]) {
        await client.set(`tether:sess:${sid}`, live!);
        const answer = await tryCookie(t, forged(sid));
        expect(answer.statuses).toEqual([401, 401, 401]);
        expect(answer.socket.data?.code).toBe('SESSION_EXPIRED');
        expect(await client.get(`tether:sess:${sid}`)).toBe(live);
      }
    });
  },
);
