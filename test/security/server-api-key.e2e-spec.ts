import request from 'supertest';
import { API_KEY_HEADER } from '../../src/protocol/limits.js';
import { apiClient, newApiKey } from '../helpers/api.js';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';

const KEY = newApiKey();

/**
 * Attack: take over the server API, the one credential that manages every account. Guess its key,
 * or make an operator's browser (on a page of another origin) send it, or wait for one that leaks.
 */
describe('the server API key under attack', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts guesses per address before the key is checked, so after the limit even the right key waits', async () => {
    const guesser = { 'X-Forwarded-For': '203.0.113.7' };
    const app = await startApp({ API_KEY: KEY, API_RATE_LIMIT: '5', TRUST_PROXY: 'loopback' });
    try {
      for (let i = 0; i < 5; i++) {
        await request(app.url).get('/api/info').set(guesser).set(API_KEY_HEADER, newApiKey()).expect(401);
      }
      const limited = await request(app.url).get('/api/info').set(guesser).set(API_KEY_HEADER, KEY);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not held up by the guesser.
      await request(app.url)
        .get('/api/info')
        .set('X-Forwarded-For', '198.51.100.1')
        .set(API_KEY_HEADER, KEY)
        .expect(200);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['GET', '/api/info'],
    ['POST', '/api/users'],
  ])(
    'refuses %s %s from a page of another origin, the right key included, before it runs',
    async (method, path) => {
      const username = uniqueName('csrf');
      for (const headers of [
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
        { 'Sec-Fetch-Site': 'cross-site' },
      ]) {
        const base =
          method === 'GET'
            ? request(t.url).get(path)
            : request(t.url).post(path).send({ username, password: STRONG_PASSWORD });
        const res = await base.set(headers).set(API_KEY_HEADER, KEY);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.code).toBe('CROSS_ORIGIN');
      }
      // The same call from a client that is no browser works, and the refused one created nothing.
      await apiClient(t.url, KEY).post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
    },
  );

  it('answers a wrong key the same whatever its length or how much of it is right', async () => {
    const answers = new Set<string>();
    for (const wrong of [
      KEY.slice(0, 1),
      KEY.slice(0, -1),
      `${KEY}${KEY}`,
      `${KEY.slice(0, -1)}_`,
      'x'.repeat(4000),
    ]) {
      const res = await request(t.url).get('/api/info').set(API_KEY_HEADER, wrong);
      answers.add(`${res.status} ${res.text}`);
    }
    expect([...answers]).toEqual([
      `401 ${JSON.stringify({ code: 'UNAUTHENTICATED', message: `A valid ${API_KEY_HEADER} is required` })}`,
    ]);
  });

  it('refuses to start with an API_KEY shorter than 32 characters', async () => {
    await expect(startApp({ API_KEY: 'k'.repeat(31) })).rejects.toThrow(
      /API_KEY must be at least 32 characters/,
    );
  });
});
