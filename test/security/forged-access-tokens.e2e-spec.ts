import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loggedInAgent, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { RawEngineClient } from '../helpers/raw-engine.js';
import { chatClient, connected, refusal } from '../helpers/sockets.js';

const JWT_SECRET = randomBytes(48).toString('base64url');
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (claims: JWTPayload, secret = JWT_SECRET, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));

/**
 * Access tokens made or altered by an attacker: every one is refused on the socket handshake with
 * TOKEN_INVALID (TOKEN_EXPIRED for a genuine one past its time), and a token never outlives the
 * password or the session it came from.
 */
describe('forged, altered and expired access tokens', () => {
  let t: TestApp;
  let session: Awaited<ReturnType<typeof loggedInAgent>>;
  let genuine: string;
  beforeAll(async () => {
    t = await startApp({ JWT_SECRET });
    session = await loggedInAgent(t.url);
    genuine = (await session.agent.post('/auth/token').expect(201)).body.accessToken as string;
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every forgery with TOKEN_INVALID, and an expired token with TOKEN_EXPIRED', async () => {
    const claims = decodeJwt(genuine);
    const now = Math.floor(Date.now() / 1000);
    const [header, , signature] = genuine.split('.');
    const other = await loggedInAgent(t.url);
    const cases: [string, unknown, string][] = [
      ['expired', await sign({ ...claims, iat: now - 120, exp: now - 60 }), 'TOKEN_EXPIRED'],
      [
        'for another user, signature kept',
        `${header}.${b64({ ...claims, sub: other.user.id })}.${signature}`,
        'TOKEN_INVALID',
      ],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'TOKEN_INVALID'],
      ['signed with another key', await sign(claims, randomBytes(48).toString('base64url')), 'TOKEN_INVALID'],
      ['HS512', await sign(claims, JWT_SECRET, 'HS512'), 'TOKEN_INVALID'],
      ['for an unknown user', await sign({ ...claims, sub: 'nobody' }), 'TOKEN_INVALID'],
      ['without its session', await sign({ ...claims, sid: undefined }), 'TOKEN_INVALID'],
      ['a number', 42, 'TOKEN_INVALID'],
      ['an object', { $ne: null }, 'TOKEN_INVALID'],
      ['40 kB of dots', '.'.repeat(40_000), 'TOKEN_INVALID'],
    ];
    for (const [name, token, code] of cases) {
      const err = await refusal(chatClient(t.url, { auth: { token } }));
      expect(err.data?.code, name).toBe(code);
    }
  });

  it('refuses a token over a raw CONNECT whatever its auth payload looks like', async () => {
    for (const auth of [{ token: [genuine] }, { token: null }, { token: { toString: genuine } }]) {
      const raw = await RawEngineClient.open(t.url);
      try {
        const answer = await raw.connectNamespace('/chat', auth);
        expect(JSON.parse(answer.slice('44/chat,'.length))).toMatchObject({
          data: { code: 'TOKEN_INVALID' },
        });
      } finally {
        raw.close();
      }
    }
  });

  it('voids a token once its user changed the password', async () => {
    const user = await loggedInAgent(t.url);
    const token = (await user.agent.post('/auth/token').expect(201)).body.accessToken as string;
    (await connected(chatClient(t.url, { auth: { token } }))).close();
    await user.agent
      .post('/auth/password')
      .send({ currentPassword: STRONG_PASSWORD, newPassword: 'another long passphrase' })
      .expect(204);
    expect((await refusal(chatClient(t.url, { auth: { token } }))).data?.code).toBe('TOKEN_INVALID');
    await request(t.url).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
