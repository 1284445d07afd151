import signature from 'cookie-signature';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startInstance, type Instance } from '../../tools/local-cluster.js';
import { sessionCookie, STRONG_PASSWORD, tempDir, uniqueName } from '../helpers/app.js';
import { apiClient, newApiKey } from '../helpers/api.js';
import { ack, chatClient, connected, refusal, type ChatClient } from '../helpers/sockets.js';

const SESSION_SECRET = randomBytes(32).toString('base64url');
const JWT_SECRET = randomBytes(32).toString('base64url');
const NEW_PASSWORD = 'the second password of alice';
const API_KEY = newApiKey();

/**
 * Attack: read what the server lets slip, in its answers (a 500 that echoes internals) or in its
 * logs (which more people read than should hold credentials). The built server, as deployed, with
 * every log level on.
 */
describe('what the server tells clients and its logs', () => {
  const dataDir = tempDir();
  const log: string[] = [];
  const sockets: ChatClient[] = [];
  let server: Instance;

  beforeAll(async () => {
    server = await startInstance(
      'hygiene',
      {
        ...process.env,
        NODE_ENV: 'development',
        // The assertions on api_call lines read JSON fields.
        LOG_FORMAT: 'json',
        DATA_DIR: dataDir,
        SESSION_SECRET,
        JWT_SECRET,
        API_KEY,
        SESSION_TOUCH_INTERVAL: '1',
      },
      (line) => log.push(line),
    );
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never shows a password, hash, secret, session id, token or ticket where it does not belong, a 500 included', async () => {
    const url = server.url;
    const username = uniqueName('alice');
    const bodies: string[] = [];
    const keep = (res: request.Response) => (bodies.push(res.text), res);

    keep(await request(url).post('/auth/register').send({ username, password: STRONG_PASSWORD }).expect(201));
    keep(
      await request(url).post('/auth/login').send({ username, password: 'wrong wrong wrong' }).expect(401),
    );
    const login = keep(
      await request(url).post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(200),
    );
    const cookie = sessionCookie(login);
    keep(await request(url).get('/auth/me').set('Cookie', cookie).expect(200));
    // These two answers are the credential; they are checked against everything else.
    const { accessToken } = (await request(url).post('/auth/token').set('Cookie', cookie).expect(201)).body;
    const { ticket } = (await request(url).post('/auth/ws-ticket').set('Cookie', cookie).expect(201)).body;

    for (const options of [{ cookie }, { auth: { ticket } }, { auth: { token: accessToken } }]) {
      const socket = chatClient(url, options);
      sockets.push(socket);
      await connected(socket);
      await ack(socket, 'room:join', { roomId: 'general' });
      await ack(socket, 'message:send', { roomId: 'general', text: 'hello', clientMsgId: uniqueName('m') });
    }
    // The server API, with the key, with a wrong one and with one that differs in its last character.
    const api = apiClient(url, API_KEY);
    keep(await api.post(`/api/users/${username}/unlock`).expect(204));
    keep(await api.post('/api/rooms/general/messages', { text: 'from ops' }).expect(201));
    keep(
      await apiClient(url, `${API_KEY.slice(0, -1)}!`)
        .get('/api/info')
        .expect(401),
    );
    await vi.waitFor(() => expect(log.join('\n')).toMatch(/"event":"api_call".*"authorized":false/), {
      timeout: 5000,
    });
    expect(log.join('\n')).toMatch(
      new RegExp(`"event":"api_call","operation":"POST /api/users/:username/unlock","target":"${username}"`),
    );
    const changed = keep(
      await request(url)
        .post('/auth/password')
        .set('Cookie', cookie)
        .send({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })
        .expect(204),
    );
    expect((await refusal(chatClient(url, { cookie }))).data?.code).toBe('SESSION_EXPIRED');
    keep(await request(url).get('/auth/me').set('Authorization', `Bearer ${accessToken}x`).expect(401));

    // A real internal failure: the session directory is replaced by a file, so storing a session fails.
    rmSync(join(dataDir, 'sessions'), { recursive: true, force: true });
    writeFileSync(join(dataDir, 'sessions'), 'not a directory');
    const failed = keep(await request(url).post('/auth/login').send({ username, password: NEW_PASSWORD }));
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ code: 'INTERNAL', message: 'Internal error' });
    expect(failed.headers['x-powered-by']).toBeUndefined();
    // The failure itself is logged, so the log is really being read.
    await vi.waitFor(() => expect(log.join('\n')).toMatch(/ENOTDIR/), { timeout: 5000 });

    const sid = (c: string) =>
      signature.unsign(decodeURIComponent(c.slice(c.indexOf('=') + 1)).slice(2), SESSION_SECRET) as string;
    const everywhere = {
      'the password': STRONG_PASSWORD,
      'the new password': NEW_PASSWORD,
      'the session secret': SESSION_SECRET,
      'the JWT secret': JWT_SECRET,
      'the API key': API_KEY,
      'most of the API key': API_KEY.slice(0, -1),
      'the session id': sid(cookie),
      'the renewed session id': sid(sessionCookie(changed)),
      'a password hash': '$argon2',
    };
    const leaks = (text: string, secrets: Record<string, string>) =>
      Object.entries(secrets)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => name);
    const logText = log.join('\n');
    expect(leaks(logText, { ...everywhere, 'the access token': accessToken, 'the ticket': ticket })).toEqual(
      [],
    );
    // Nor any session id at all, such as one in a file path of a failed store write.
    expect(logText).not.toMatch(/sessions\/[A-Za-z0-9_-]{32}/);
    expect(
      leaks(bodies.join('\n'), { ...everywhere, 'the access token': accessToken, 'the ticket': ticket }),
    ).toEqual([]);
    for (const body of bodies)
      expect(body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/tmp\/|SqliteError|ENOTDIR/);
  });
});
