import request from 'supertest';
import { apiClient, newApiKey } from '../helpers/api.js';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';

const KEY = newApiKey();

/**
 * Attack: learn a disabled account's password (to use once it is enabled again, or elsewhere)
 * from how its logins are answered, or make its logins a free source of argon2 work.
 */
describe('logging in to a disabled account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ API_KEY: KEY, LOGIN_MAX_FAILURES_PER_USER: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the same for the right and a wrong password, and counts each try toward the lockout', async () => {
    const username = uniqueName('off');
    const api = apiClient(t.url, KEY);
    await api.post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
    await api.post(`/api/users/${username}/disable`).expect(204);
    const answers = [];
    for (const password of [STRONG_PASSWORD, 'wrong password!!', STRONG_PASSWORD]) {
      const res = await request(t.url).post('/auth/login').send({ username, password });
      answers.push({ status: res.status, body: res.body, cookie: res.headers['set-cookie'] });
    }
    expect(answers).toEqual(
      Array(3).fill({
        status: 403,
        body: { code: 'ACCOUNT_DISABLED', message: 'This account is disabled' },
        cookie: undefined,
      }),
    );
    const locked = await request(t.url).post('/auth/login').send({ username, password: STRONG_PASSWORD });
    expect(locked.status).toBe(429);
    // The operator's unlock and enable give the account back to its owner.
    await api.post(`/api/users/${username}/unlock`).expect(204);
    await api.post(`/api/users/${username}/enable`).expect(204);
    await request(t.url).post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200);
  });
});
