import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startInstance } from '../tools/local-cluster.js';
import { startRedis } from '../tools/processes.js';
import {
  loggedInAgent,
  startApp,
  STRONG_PASSWORD,
  tempDir,
  uniqueName,
  type TestApp,
} from './helpers/app.js';
import { describeWithBinary, requireBinary } from './helpers/binaries.js';
import { ack, chatClient, connected, nextEvent, type ChatClient } from './helpers/sockets.js';

describeWithBinary(requireBinary('redis-server'), 'the Redis profile', ([redisBinary]) => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let one: TestApp;
  let two: TestApp;
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    redis = await startRedis(redisBinary);
    const env = {
      DATA_DIR: tempDir(),
      REDIS_URL: redis.url,
      SESSION_STORE: 'redis',
      LOGIN_MAX_FAILURES_PER_USER: '4',
    };
    one = await startApp(env);
    two = await startApp(env);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  it('keeps sessions in Redis: a login on one instance opens a socket on the other, and no session file is written', async () => {
    const alice = await loggedInAgent(one.url, uniqueName('ra'));
    const bob = await loggedInAgent(two.url, uniqueName('rb'));
    const a = chatClient(two.url, { cookie: alice.cookie });
    const b = chatClient(one.url, { cookie: bob.cookie });
    sockets.push(a, b);
    await Promise.all([connected(a), connected(b)]);
    await ack(a, 'room:join', { roomId: 'general' });
    await ack(b, 'room:join', { roomId: 'general' });

    const incoming = nextEvent(b, 'message:new');
    const sent = await ack(a, 'message:send', {
      roomId: 'general',
      text: 'across',
      clientMsgId: uniqueName('m'),
    });
    expect(await incoming).toEqual(sent.message);

    const ended = nextEvent(a, 'session:ended');
    await alice.agent.post('/auth/logout').expect(204);
    expect(await ended).toEqual({ reason: 'logout' });

    const sessionsDir = join(one.dataDir, 'sessions');
    expect(existsSync(sessionsDir) ? readdirSync(sessionsDir) : []).toEqual([]);
  });

  it('counts failed logins across instances', async () => {
    const { user } = await loggedInAgent(one.url);
    for (const app of [one, two, one, two]) {
      await request(app.url)
        .post('/auth/login')
        .send({ username: user.username, password: 'wrong password!!' })
        .expect(401);
    }
    const res = await request(two.url)
      .post('/auth/login')
      .send({ username: user.username, password: STRONG_PASSWORD });
    expect(res.status).toBe(429);
  });

  it('names its address and profile in one line once at start', async () => {
    const lines: string[] = [];
    const instance = await startInstance(
      'profile-check',
      { ...process.env, NODE_ENV: 'development', DATA_DIR: tempDir(), REDIS_URL: redis.url },
      (l) => lines.push(l),
    );
    try {
      await vi.waitFor(() =>
        expect(
          lines.some((l) =>
            l.includes(
              `Tether listening on ${instance.url.replace('127.0.0.1', '[::]')} (instance profile-check; data sqlite, sessions file, adapter redis)`,
            ),
          ),
        ).toBe(true),
      );
      expect(lines.filter((l) => l.includes('data sqlite, sessions'))).toHaveLength(1);
    } finally {
      await instance.stop();
    }
  });
});
