import request from 'supertest';
import type { MockInstance } from 'vitest';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { startRedis } from '../../tools/processes.js';
import {
  loggedInAgent,
  startApp,
  STRONG_PASSWORD,
  tempDir,
  uniqueName,
  type TestApp,
} from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';

const LIMIT = 5;
const BURST = 30;
const WINDOW_SEC = 300;

type Answer = request.Response;

const login = (url: string, username: string, password: string): Promise<Answer> =>
  request(url)
    .post('/auth/login')
    .send({ username, password })
    .then((res) => res);

const statuses = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});

/** The first 429 among `answers`; rejects when none is one. */
const firstRefusal = (answers: Promise<Answer>[]) =>
  Promise.any(
    answers.map((p) => p.then((a) => (a.status === 429 ? a : Promise.reject(new Error('not 429'))))),
  );

/**
 * Attack: out-guess the lockout by concurrency, sending a burst of guesses at once (over every
 * instance) so that all of them are checked before any failure is counted.
 */
function describeConcurrentGuesses(
  profile: string,
  start: (env: Record<string, string>) => Promise<TestApp[]>,
) {
  describe(`a burst of concurrent password guesses (${profile})`, () => {
    let apps: TestApp[];
    let verifications: MockInstance[];
    /** Spreads the burst round-robin over the instances, as a load balancer would. */
    const urlOf = (i: number) => apps[i % apps.length].url;
    const argon2Runs = () => verifications.reduce((sum, spy) => sum + spy.mock.calls.length, 0);

    beforeAll(async () => {
      apps = await start({
        LOGIN_MAX_FAILURES_PER_USER: String(LIMIT),
        LOGIN_MAX_FAILURES_PER_IP: '1000',
        LOGIN_FAILURE_WINDOW: String(WINDOW_SEC),
      });
      // Observes the real argon2 verifications (the spy calls through).
      verifications = apps.map((t) => vi.spyOn(t.app.get(PasswordHasher), 'verify'));
    });
    afterAll(async () => {
      await Promise.all(apps.map((t) => t.close()));
    });

    it(`lets only ${LIMIT} of ${BURST} simultaneous wrong guesses reach argon2; the rest are 429 with Retry-After`, async () => {
      const { user } = await loggedInAgent(urlOf(0));
      const before = argon2Runs();

      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) => login(urlOf(i), user.username, `wrong guess number ${i}`)),
      );

      expect(statuses(answers)).toEqual({ 401: LIMIT, 429: BURST - LIMIT });
      expect(argon2Runs() - before).toBe(LIMIT);
      for (const refused of answers.filter((a) => a.status === 429)) {
        expect(refused.body).toMatchObject({
          code: 'RATE_LIMITED',
          details: { retryAfterSec: expect.any(Number) },
        });
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBe(refused.body.details.retryAfterSec);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(WINDOW_SEC);
      }
    });

    it('refuses the right password sent while the burst is in flight, once the burst locked the username', async () => {
      const { user } = await loggedInAgent(urlOf(0));
      const burst = Array.from({ length: BURST }, (_, i) => login(urlOf(i), user.username, `nope ${i}`));

      // A first 429 proves the lock is in place, whatever order the rest of the burst arrives in.
      await firstRefusal(burst);
      const right = await login(urlOf(1), user.username, STRONG_PASSWORD);
      expect(right.status).toBe(429);
      expect(right.headers['set-cookie']).toBeUndefined();
      expect(statuses(await Promise.all(burst))[401]).toBe(LIMIT);
    });

    it('counts a password change like a login: a stolen cookie cannot guess the current password in a burst', async () => {
      const { agent } = await loggedInAgent(urlOf(0));
      const before = argon2Runs();
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          agent
            .post('/auth/password')
            .send({ currentPassword: `guessing ${i}`, newPassword: 'the attacker wants this one' })
            .then((res) => res),
        ),
      );
      expect(statuses(answers)).toEqual({ 401: LIMIT, 429: BURST - LIMIT });
      expect(argon2Runs() - before).toBe(LIMIT);
    });
  });
}

describeConcurrentGuesses('limits in memory', async (env) => [await startApp(env)]);

describe('a burst of guesses over many usernames from one IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ LOGIN_MAX_FAILURES_PER_USER: '100', LOGIN_MAX_FAILURES_PER_IP: String(LIMIT) });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`reserves the IP's guesses before checking: ${LIMIT} of ${BURST} reach argon2`, async () => {
    const verify = vi.spyOn(t.app.get(PasswordHasher), 'verify');
    const answers = await Promise.all(
      Array.from({ length: BURST }, () => login(t.url, uniqueName('spray'), 'a password guess')),
    );
    expect(statuses(answers)).toEqual({ 401: LIMIT, 429: BURST - LIMIT });
    expect(verify).toHaveBeenCalledTimes(LIMIT);
  });
});

describeWithBinary(requireBinary('redis-server'), 'guess limits in Redis', ([redisBinary]) => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis(redisBinary);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describeConcurrentGuesses('two instances sharing Redis', async (env) => {
    const shared = { ...env, DATA_DIR: tempDir(), REDIS_URL: redis.url };
    return [await startApp(shared), await startApp(shared)];
  });
});
