import request from 'supertest';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { loggedInAgent, startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';

const LIMIT = 5;
const BURST = 20;

/** Attack: register accounts as fast as possible, each costing an argon2id hash, to starve logins. */
describe('a registration flood from one IP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ REGISTER_RATE_LIMIT: String(LIMIT), REGISTER_RATE_WINDOW: '600' });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`creates ${LIMIT} of ${BURST} simultaneous registrations and hashes no more; the rest are 429 with Retry-After`, async () => {
    // Observes the real argon2 hashes (the spy calls through).
    const hash = vi.spyOn(t.app.get(PasswordHasher), 'hash');
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        request(t.url)
          .post('/auth/register')
          .send({ username: uniqueName('flood'), password: STRONG_PASSWORD })
          .then((res) => res),
      ),
    );

    expect(answers.filter((a) => a.status === 201)).toHaveLength(LIMIT);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(BURST - LIMIT);
    expect(hash).toHaveBeenCalledTimes(LIMIT);
    for (const res of refused) {
      expect(res.body).toMatchObject({
        code: 'RATE_LIMITED',
        details: { retryAfterSec: expect.any(Number) },
      });
      expect(Number(res.headers['retry-after'])).toBe(res.body.details.retryAfterSec);
      expect(res.body.details.retryAfterSec).toBeLessThanOrEqual(600);
    }
  });

  it('counts only registrations that pass validation, and leaves logins alone', async () => {
    const other = await startApp({ REGISTER_RATE_LIMIT: '1' });
    try {
      for (let i = 0; i < 3; i++) {
        await request(other.url)
          .post('/auth/register')
          .send({ username: 'x', password: 'short' })
          .expect(400);
      }
      const { agent, user } = await loggedInAgent(other.url);
      await request(other.url)
        .post('/auth/register')
        .send({ username: uniqueName('late'), password: STRONG_PASSWORD })
        .expect(429);
      await request(other.url)
        .post('/auth/login')
        .send({ username: user.username, password: STRONG_PASSWORD })
        .expect(200);
      await agent.get('/auth/me').expect(200);
    } finally {
      await other.close();
    }
  });
});
