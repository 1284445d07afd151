import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TETHER_METRICS } from '../../src/observability/metrics.js';
import { startInstance, type Instance } from '../../tools/local-cluster.js';
import { freePort } from '../../tools/processes.js';
import { sessionCookie, STRONG_PASSWORD, tempDir, uniqueName } from '../helpers/app.js';
import { ack, chatClient, connected, nextEvent, refusal, type ChatClient } from '../helpers/sockets.js';
import { parsePrometheus, valueOf, type Sample } from './prometheus-text.js';

const INSTANCE = 'obs-1';
const WRONG_PASSWORD = 'not the password at all';
const NEW_PASSWORD = 'a new password for the victim';
const victim = uniqueName('obs');
const MESSAGE_TEXT = 'a message nobody but the room may read';

interface LogLine {
  level: string;
  instance: string;
  msg: string;
  event?: string;
  reqId?: string;
  [field: string]: unknown;
}

/**
 * The built server as production runs it (JSON logs, metrics on their own port), through one
 * chat session an operator would want to see: a lockout, a foreign origin, three sockets with the
 * three credentials, a refused one, messages up to the rate limit, a logout.
 */
describe('what the server logs and counts', () => {
  const dataDir = tempDir();
  const raw: string[] = [];
  const sockets: ChatClient[] = [];
  let server: Instance;
  let metricsUrl: string;
  /** What a client holds as its credential: none of it may reach a log line. */
  const credentials: string[] = [];

  const lines = () => raw.map((line) => JSON.parse(line.replace(/^\[[^\]]+\] /, '')) as LogLine);
  const events = (name: string) => lines().filter((line) => line.event === name);
  const scrape = async (): Promise<Sample[]> =>
    parsePrometheus((await request(metricsUrl).get('/metrics').expect(200)).text);

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    server = await startInstance(
      INSTANCE,
      {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        DATA_DIR: dataDir,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        JWT_SECRET: randomBytes(32).toString('base64url'),
        METRICS_PORT: String(metricsPort),
        LOGIN_MAX_FAILURES_PER_USER: '2',
        MESSAGE_RATE_LIMIT: '3',
      },
      (line) => raw.push(line),
    );
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts what was done, on the metrics port only, every series naming the instance', async () => {
    const url = server.url;
    const username = uniqueName('obs');
    await request(url).post('/auth/register').send({ username, password: STRONG_PASSWORD }).expect(201);
    for (let i = 0; i < 2; i++) {
      await request(url).post('/auth/login').send({ username, password: WRONG_PASSWORD }).expect(401);
    }
    await request(url).post('/auth/login').send({ username, password: STRONG_PASSWORD }).expect(429);
    await request(url)
      .post('/auth/register')
      .send({ username: victim, password: STRONG_PASSWORD })
      .expect(201);
    const login = await request(url)
      .post('/auth/login')
      .send({ username: victim, password: STRONG_PASSWORD });
    const cookie = sessionCookie(login);
    const { accessToken } = (await request(url).post('/auth/token').set('Cookie', cookie).expect(201)).body;
    const { ticket } = (await request(url).post('/auth/ws-ticket').set('Cookie', cookie).expect(201)).body;
    const sid = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
    credentials.push(cookie.split('=')[1], sid, accessToken, ticket);

    for (const options of [{ cookie }, { auth: { ticket } }, { auth: { token: accessToken } }]) {
      const socket = chatClient(url, options);
      sockets.push(socket);
      await connected(socket);
    }
    expect((await refusal(chatClient(url, { auth: { token: `${accessToken}x` } }))).data?.code).toBe(
      'TOKEN_INVALID',
    );
    await refusal(chatClient(url, { origin: 'https://evil.example' }));
    const [first] = sockets;
    await ack(first, 'room:join', { roomId: 'general' });
    const acks = [];
    for (let i = 0; i < 4; i++) {
      acks.push(
        await ack(first, 'message:send', {
          roomId: 'general',
          text: MESSAGE_TEXT,
          clientMsgId: uniqueName('m'),
        }),
      );
    }
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, false]);

    let samples = await scrape();
    expect(valueOf(samples, 'tether_sockets_connected', { auth: 'session' })).toBe(1);
    expect(valueOf(samples, 'tether_sockets_connected', { auth: 'ticket' })).toBe(1);
    expect(valueOf(samples, 'tether_sockets_connected', { auth: 'token' })).toBe(1);
    expect(
      samples.filter((s) => s.name === 'tether_sockets_connected').reduce((n, s) => n + s.value, 0),
    ).toBe(3);
    expect(valueOf(samples, 'tether_handshakes_total', { result: 'accepted' })).toBe(3);
    expect(valueOf(samples, 'tether_handshakes_total', { result: 'TOKEN_INVALID' })).toBe(1);
    expect(valueOf(samples, 'tether_handshakes_total', { result: 'CROSS_ORIGIN' })).toBe(1);
    expect(valueOf(samples, 'tether_messages_total')).toBe(3);
    expect(valueOf(samples, 'tether_ack_duration_seconds_count', { event: 'message:send' })).toBe(4);
    expect(valueOf(samples, 'tether_ack_duration_seconds_count', { event: 'room:join' })).toBe(1);
    expect(valueOf(samples, 'tether_login_failures_total')).toBe(2);
    expect(valueOf(samples, 'tether_rate_limited_total', { limit: 'login-fail-user' })).toBe(1);
    expect(valueOf(samples, 'tether_rate_limited_total', { limit: 'chat-messages' })).toBe(1);
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(samples.some((s) => s.name === name)).toBe(true);
    }
    expect(samples.filter((s) => s.labels.instance !== INSTANCE)).toEqual([]);
    for (const metric of Object.values(TETHER_METRICS)) {
      expect(samples.some((s) => s.name.startsWith(metric.name))).toBe(true);
    }

    const ended = nextEvent(first, 'disconnect');
    await request(url).post('/auth/logout').set('Cookie', cookie).expect(204);
    await ended;
    await vi.waitFor(async () => {
      samples = await scrape();
      expect(valueOf(samples, 'tether_sockets_connected', { auth: 'session' })).toBe(0);
    });
    await request(url).get('/metrics').expect(404);
  });

  it('writes JSON lines: one per request, the security and socket events, and no secret', async () => {
    const url = server.url;
    const refused = await request(url).post('/auth/logout').set('Origin', 'https://evil.example').expect(403);
    const again = await request(url)
      .post('/auth/login')
      .send({ username: victim, password: STRONG_PASSWORD });
    await request(url)
      .post('/auth/password')
      .set('Cookie', sessionCookie(again))
      .send({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);
    const probe = await request(url).get('/auth/me').set('X-Request-Id', 'probe-42').expect(401);
    expect(probe.headers['x-request-id']).toBe('probe-42');
    await vi.waitFor(() =>
      expect(lines().some((l) => l.reqId === 'probe-42' && l.msg === 'request')).toBe(true),
    );

    const all = lines();
    expect(all.every((l) => l.instance === INSTANCE && typeof l.level === 'string')).toBe(true);
    const requests = all.filter((l) => l.msg === 'request');
    expect(requests.find((l) => l.reqId === 'probe-42')).toMatchObject({
      method: 'GET',
      path: '/auth/me',
      status: 401,
      durationMs: expect.any(Number),
    });
    expect(requests.filter((l) => l.path === '/auth/login').map((l) => l.status)).toEqual([
      401, 401, 429, 200, 200,
    ]);

    const failed = events('login_failed');
    expect(failed).toHaveLength(2);
    // Logged inside its request: the line carries the id the response named.
    const failedIds = requests
      .filter((l) => l.path === '/auth/login' && l.status === 401)
      .map((l) => l.reqId);
    expect(failed.map((l) => l.reqId)).toEqual(failedIds);
    expect(events('login_locked')).toMatchObject([{ limit: 'login-fail-user', level: 'warn' }]);
    expect(events('origin_refused')).toMatchObject([
      { transport: 'socket' },
      { transport: 'http', reqId: refused.headers['x-request-id'] },
    ]);
    expect(events('rate_limited')).toMatchObject([{ limit: 'chat-messages' }]);
    expect(events('connection_refused')).toMatchObject([{ code: 'TOKEN_INVALID' }]);
    expect(
      events('socket_connected')
        .map((l) => String(l.auth))
        .toSorted((x, y) => x.localeCompare(y)),
    ).toEqual(['session', 'ticket', 'token']);
    expect(events('socket_disconnected').length).toBeGreaterThanOrEqual(1);
    expect(events('session_revoked')).toMatchObject([
      { scope: 'session', reason: 'logout' },
      { scope: 'user', reason: 'password_changed' },
    ]);
    expect(events('session_renewed')).toHaveLength(1);

    const text = raw.join('\n');
    expect(text).not.toContain(STRONG_PASSWORD);
    expect(text).not.toContain(WRONG_PASSWORD);
    expect(text).not.toContain(NEW_PASSWORD);
    expect(text).not.toContain(MESSAGE_TEXT);
    expect(credentials).toHaveLength(4);
    for (const credential of credentials) expect(text).not.toContain(credential);
    expect(text).not.toMatch(/tether\.sid|s%3A|Bearer|eyJ/);
    expect(all.filter((l) => l.context === 'RoutesResolver' || l.context === 'RouterExplorer')).toEqual([]);
  });

  it('logs an internal error with the id of the request that met it', async () => {
    // A real internal failure: the session directory becomes a file, so storing a session fails.
    rmSync(join(dataDir, 'sessions'), { recursive: true, force: true });
    writeFileSync(join(dataDir, 'sessions'), 'not a directory');
    const failed = await request(server.url)
      .post('/auth/login')
      .send({ username: victim, password: NEW_PASSWORD })
      .expect(500);
    const reqId = failed.headers['x-request-id'];
    await vi.waitFor(() =>
      expect(lines().filter((l) => l.reqId === reqId && l.level === 'error')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ context: 'HttpExceptionFilter', msg: expect.stringMatching(/ENOTDIR/) }),
          expect.objectContaining({ msg: 'request', status: 500, path: '/auth/login' }),
        ]),
      ),
    );
  });
});
