import request from 'supertest';
import { apiClient, newApiKey } from '../helpers/api.js';
import { loggedInAgent, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { FakeMongoServer } from './fake-mongo-server.js';

const KEY = newApiKey();

/**
 * The server API's account operations on the MongoDB profile, through the real driver, against the
 * scripted replica set (the Mongo `UserStore` contract itself needs a real one: storage-mongo).
 */
describe('disabling, enabling and revoking on the MongoDB profile', () => {
  let fake: FakeMongoServer;
  let app: TestApp;

  beforeAll(async () => {
    fake = await FakeMongoServer.start();
    app = await startApp({ MONGO_URL: fake.url('tether', 'serverSelectionTimeoutMS=1000'), API_KEY: KEY });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('voids the sessions of a disabled user, refuses its logins, and lets it back in once enabled', async () => {
    const api = apiClient(app.url, KEY);
    const { agent, user } = await loggedInAgent(app.url);
    const login = () =>
      request(app.url).post('/auth/login').send({ username: user.username, password: STRONG_PASSWORD });

    await api.post(`/api/users/${user.username}/disable`).expect(204);
    await agent.get('/auth/me').expect(401);
    expect((await login()).body.code).toBe('ACCOUNT_DISABLED');
    await api.post(`/api/users/${user.username}/enable`).expect(204);
    const again = request.agent(app.url);
    await again.post('/auth/login').send({ username: user.username, password: STRONG_PASSWORD }).expect(200);

    await api.post(`/api/users/${user.username}/sessions/revoke`).expect(204);
    await again.get('/auth/me').expect(401);
    await login().expect(200);
  });
});
