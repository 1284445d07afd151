import request from 'supertest';
import { loggedInAgent, startApp, STRONG_PASSWORD, uniqueName, type TestApp } from './helpers/app.js';

describe('login brute-force protection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      LOGIN_MAX_FAILURES_PER_USER: '3',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_FAILURE_WINDOW: '120',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const fail = (username: string) =>
    request(t.url).post('/auth/login').send({ username, password: 'not the password!' });

  it('locks a username after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const { user } = await loggedInAgent(t.url);
    for (let i = 0; i < 3; i++) await fail(user.username).expect(401);

    const locked = await request(t.url)
      .post('/auth/login')
      .send({ username: user.username, password: STRONG_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
  });

  it("does not block another user's successful login from the same IP", async () => {
    const { user: victim } = await loggedInAgent(t.url);
    const { user: bystander } = await loggedInAgent(t.url);
    for (let i = 0; i < 3; i++) await fail(victim.username).expect(401);
    await fail(victim.username).expect(429);
    await request(t.url)
      .post('/auth/login')
      .send({ username: bystander.username, password: STRONG_PASSWORD })
      .expect(200);
  });

  it("starts a username's count over after a successful login", async () => {
    const app = await startApp({ LOGIN_MAX_FAILURES_PER_USER: '3', LOGIN_MAX_FAILURES_PER_IP: '100' });
    try {
      const { user } = await loggedInAgent(app.url);
      const attempt = (password: string) =>
        request(app.url).post('/auth/login').send({ username: user.username, password });
      for (let i = 0; i < 2; i++) await attempt('not the password!').expect(401);
      await attempt(STRONG_PASSWORD).expect(200);
      for (let i = 0; i < 3; i++) await attempt('not the password!').expect(401);
      await attempt('not the password!').expect(429);
    } finally {
      await app.close();
    }
  });

  it('locks an IP that fails across many usernames', async () => {
    const ipApp = await startApp({ LOGIN_MAX_FAILURES_PER_USER: '100', LOGIN_MAX_FAILURES_PER_IP: '5' });
    try {
      for (let i = 0; i < 5; i++) {
        await request(ipApp.url)
          .post('/auth/login')
          .send({ username: uniqueName('spray'), password: 'guess guess guess' })
          .expect(401);
      }
      const res = await request(ipApp.url)
        .post('/auth/login')
        .send({ username: uniqueName('spray'), password: 'guess' });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await ipApp.close();
    }
  });
});
