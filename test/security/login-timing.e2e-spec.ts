import request from 'supertest';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Attack: tell existing usernames from unknown ones by the login's answer or its timing (enumeration). */
describe('login answers for unknown users and wrong passwords', () => {
  let t: TestApp;
  let known: string;

  beforeAll(async () => {
    t = await startApp({ LOGIN_MAX_FAILURES_PER_USER: '1000', LOGIN_MAX_FAILURES_PER_IP: '1000' });
    known = (await loggedInAgent(t.url)).user.username;
  });
  afterAll(async () => {
    await t.close();
  });

  const attempt = async (username: string) => {
    const started = process.hrtime.bigint();
    const res = await request(t.url).post('/auth/login').send({ username, password: 'a wrong password!' });
    return { res, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

  it('are byte for byte the same: status, body, and no cookie', async () => {
    const unknown = await attempt(uniqueName('ghost'));
    const wrong = await attempt(known);
    for (const { res } of [unknown, wrong]) {
      expect(res.status).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['retry-after']).toBeUndefined();
    }
    expect(unknown.res.text).toBe(wrong.res.text);
    expect(JSON.parse(unknown.res.text)).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid username or password',
    });
  });

  it('both run one argon2 verification (the unknown user against a dummy hash) and take similar time', async () => {
    const verify = vi.spyOn(t.app.get(PasswordHasher), 'verify');
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so drifting background load hits both alike.
    for (let i = 0; i < 6; i++) {
      unknown.push((await attempt(uniqueName('ghost'))).ms);
      wrong.push((await attempt(known)).ms);
    }
    expect(verify).toHaveBeenCalledTimes(12);
    expect(verify.mock.calls.filter(([hash]) => hash === undefined)).toHaveLength(6);
    // Without the dummy hash an unknown user answers an order of magnitude faster.
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('do not depend on the letter case of a known username', async () => {
    const lower = await attempt(known.toLowerCase());
    const upper = await attempt(known.toUpperCase());
    expect(lower.res.text).toBe(upper.res.text);
    expect(lower.res.status).toBe(401);
  });
});
