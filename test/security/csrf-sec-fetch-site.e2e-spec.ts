import request from 'supertest';
import { loggedInAgent, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

/**
 * Attack: cross-site request forgery from a browser that sends no Origin (or a proxy that strips
 * it), or with a body a plain HTML form can send (no preflight).
 */
describe('cross-site request forgery', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['POST', '/auth/logout'],
    ['POST', '/auth/password'],
    ['POST', '/auth/token'],
    ['POST', '/auth/ws-ticket'],
    ['POST', '/rooms'],
    ['POST', '/rooms/general/members'],
  ] as const)(
    'refuses %s %s marked Sec-Fetch-Site: cross-site with 403 CROSS_ORIGIN, changing nothing',
    async (_, path) => {
      const { agent, user } = await loggedInAgent(t.url);
      const res = await agent.post(path).set('Sec-Fetch-Site', 'cross-site').send({
        currentPassword: STRONG_PASSWORD,
        newPassword: 'the attacker chose this',
        name: 'x',
        visibility: 'public',
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 'CROSS_ORIGIN', message: expect.any(String) });
      expect(res.headers['set-cookie']).toBeUndefined();
      await agent.get('/auth/me').expect(200);
      await request(t.url)
        .post('/auth/login')
        .send({ username: user.username, password: STRONG_PASSWORD })
        .expect(200);
    },
  );

  it.each(['same-origin', 'none'])('lets Sec-Fetch-Site: %s through', async (site) => {
    const { agent } = await loggedInAgent(t.url);
    await agent
      .post('/rooms')
      .set('Sec-Fetch-Site', site)
      .send({ name: 'mine', visibility: 'private' })
      .expect(201);
  });

  it.each([
    ['text/plain', '{"name":"forged","visibility":"public"}'],
    ['application/x-www-form-urlencoded', 'name=forged&visibility=public'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nforged\r\n--x--',
    ],
  ])('never reads a %s body (what a form can send without a preflight) as JSON', async (type, body) => {
    const { agent } = await loggedInAgent(t.url);
    const res = await agent.post('/rooms').set('Content-Type', type).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
    const rooms = (await agent.get('/rooms').query({ limit: 100 }).expect(200)).body.rooms as {
      name: string;
    }[];
    expect(rooms.map((r) => r.name)).not.toContain('forged');
  });
});
