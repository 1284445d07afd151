import request from 'supertest';
import { freePort, startRedis, type Service } from '../../tools/processes.js';
import { loggedInAgent, startApp, tempDir, type TestApp } from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';
import { ack, chatClient, collect, connected, nextEvent, type ChatClient } from '../helpers/sockets.js';
import { uniqueName } from '../helpers/app.js';

/** A request that needs Redis during an outage must be answered within this. */
const OUTAGE_ANSWER_MS = 3_000;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describeWithBinary(requireBinary('redis-server'), 'a Redis outage at run time', ([redisBinary]) => {
  const dir = tempDir('tether-redis-data-');
  let port: number;
  let redis: Service;
  let one: TestApp;
  let two: TestApp;
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(redisBinary, { port, dir });
    const env = { DATA_DIR: tempDir(), REDIS_URL: `redis://127.0.0.1:${port}`, SESSION_STORE: 'redis' };
    one = await startApp(env);
    two = await startApp(env);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  it('answers 503 UNAVAILABLE within seconds while Redis is down, keeps the sockets, and recovers when it returns', async () => {
    const alice = await loggedInAgent(one.url, uniqueName('out'));
    const bob = await loggedInAgent(two.url, uniqueName('out'));
    const a = chatClient(one.url, { cookie: alice.cookie });
    const b = chatClient(two.url, { cookie: bob.cookie });
    sockets.push(a, b);
    await Promise.all([connected(a), connected(b)]);
    const drops = [...collect(a, 'session:ended'), ...collect(b, 'session:ended')];
    const disconnects: string[] = [];
    a.on('disconnect', (reason) => disconnects.push(reason));
    b.on('disconnect', (reason) => disconnects.push(reason));
    await ack(a, 'room:join', { roomId: 'general' });
    await ack(b, 'room:join', { roomId: 'general' });
    expect((await request(one.url).get('/health/ready').expect(200)).body.checks).toEqual({
      sqlite: 'up',
      redis: 'up',
      adapter: 'up',
    });

    await redis.stop('SIGKILL');

    await vi.waitFor(() => request(one.url).get('/health/ready').expect(503), {
      timeout: 5_000,
      interval: 200,
    });
    const notReady = await request(one.url).get('/health/ready').expect(503);
    expect(notReady.body.code).toBe('UNAVAILABLE');
    expect(notReady.body.details).toMatchObject({
      draining: false,
      checks: { sqlite: 'up', redis: 'down', adapter: 'down' },
    });
    // Liveness never asks Redis: an orchestrator must not restart every instance for this.
    await request(one.url).get('/health/live').expect(200);

    const me = await timed(() => request(one.url).get('/auth/me').set('Cookie', alice.cookie));
    expect(me.result.status).toBe(503);
    expect(me.result.body.code).toBe('UNAVAILABLE');
    expect(me.ms).toBeLessThan(OUTAGE_ANSWER_MS);
    const login = await timed(() =>
      request(two.url).post('/auth/login').send({ username: bob.user.username, password: 'whatever it is' }),
    );
    expect(login.result.status).toBe(503);
    expect(login.ms).toBeLessThan(OUTAGE_ANSWER_MS);
    const send = await timed(() =>
      ack(a, 'message:send', { roomId: 'general', text: 'during', clientMsgId: uniqueName('m') }),
    );
    expect(send.result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(send.ms).toBeLessThan(OUTAGE_ANSWER_MS);

    redis = await startRedis(redisBinary, { port, dir });

    for (const app of [one, two]) {
      await vi.waitFor(() => request(app.url).get('/health/ready').expect(200), {
        timeout: 10_000,
        interval: 200,
      });
    }
    // The session was in Redis (fsynced): the same cookie works again, no restart of Tether needed.
    await request(one.url).get('/auth/me').set('Cookie', alice.cookie).expect(200);
    const incoming = nextEvent(b, 'message:new', 10_000);
    const sent = await ack(a, 'message:send', {
      roomId: 'general',
      text: 'after',
      clientMsgId: uniqueName('m'),
    });
    expect(sent.ok).toBe(true);
    // Across instances: the cluster adapter reads its stream again.
    expect(await incoming).toEqual(sent.message);
    expect(disconnects).toEqual([]);
    expect(drops).toEqual([]);
    expect(a.connected && b.connected).toBe(true);
  });
});
