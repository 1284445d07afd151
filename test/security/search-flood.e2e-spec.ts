import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';

const LIMIT = 3;

/**
 * A search for a common word ranks every match (hundreds of ms on a large history): one user
 * repeating it must not keep an instance busy. Each user has SEARCH_RATE_LIMIT searches per window,
 * counted before the query runs; other users keep theirs.
 */
describe('a flood of searches', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ SEARCH_RATE_LIMIT: String(LIMIT), SEARCH_RATE_WINDOW: '600' });
  });
  afterAll(() => t.close());

  it(`answers ${LIMIT} searches of one user, then RATE_LIMITED with Retry-After, and leaves other users theirs`, async () => {
    const flooder = await loggedInAgent(t.url, uniqueName('flooder'));
    const bystander = await loggedInAgent(t.url, uniqueName('bystander'));
    const answers = await Promise.all(
      Array.from({ length: LIMIT * 3 }, () => flooder.agent.get('/search').query({ q: 'hello' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(LIMIT);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(LIMIT * 2);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    await bystander.agent.get('/search').query({ q: 'hello' }).expect(200);
  });
});
