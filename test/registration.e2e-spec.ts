import request from 'supertest';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from './helpers/app.js';

describe('REGISTRATION', () => {
  let open: TestApp;
  let closed: TestApp;
  beforeAll(async () => {
    [open, closed] = await Promise.all([startApp(), startApp({ REGISTRATION: 'closed' })]);
  });
  afterAll(async () => {
    await Promise.all([open.close(), closed.close()]);
  });

  it('is open by default: GET /auth/registration says so and anyone registers', async () => {
    expect((await request(open.url).get('/auth/registration').expect(200)).body).toEqual({
      registration: 'open',
    });
    await request(open.url)
      .post('/auth/register')
      .send({ username: uniqueName(), password: STRONG_PASSWORD })
      .expect(201);
  });

  it('closed: GET /auth/registration says so and POST /auth/register is 403 REGISTRATION_CLOSED whatever the body', async () => {
    expect((await request(closed.url).get('/auth/registration').expect(200)).body).toEqual({
      registration: 'closed',
    });
    for (const body of [{ username: uniqueName(), password: STRONG_PASSWORD }, { username: 'x' }, {}]) {
      const res = await request(closed.url).post('/auth/register').send(body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        code: 'REGISTRATION_CLOSED',
        message: 'Registration is closed; ask the operator for an account',
      });
    }
  });
});
