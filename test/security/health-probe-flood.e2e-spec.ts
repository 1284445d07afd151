import { createClient } from 'redis';
import request from 'supertest';
import { startRedis, type Service } from '../../tools/processes.js';
import { startApp, tempDir, type TestApp } from '../helpers/app.js';
import { describeWithBinary, requireBinary } from '../helpers/binaries.js';

/** `cmdstat_ping`'s call count in Redis's own statistics. */
async function pingsServed(url: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    const stats = await client.info('commandstats');
    return Number(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  } finally {
    await client.quit();
  }
}

/**
 * Attack: readiness needs no credential and pings the databases. A flood of probes must not
 * become a flood of database round trips: one round of pings answers every probe for a second.
 */
describeWithBinary(requireBinary('redis-server'), 'a flood of readiness probes', ([redisBinary]) => {
  let redis: Service & { url: string };
  let t: TestApp;

  beforeAll(async () => {
    redis = await startRedis(redisBinary);
    t = await startApp({ DATA_DIR: tempDir(), REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('costs Redis one ping per dependency per second, however many probes arrive', async () => {
    const before = await pingsServed(redis.url);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        request(t.url)
          .get('/health/ready')
          .then((res) => res.status),
      ),
    );
    const seconds = Math.ceil((Date.now() - started) / 1000);
    expect(answers.every((status) => status === 200)).toBe(true);
    const pings = (await pingsServed(redis.url)) - before;
    // Two clients answer pings (requests and the adapter); each round pings both once.
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(pings).toBeLessThanOrEqual(2 * (seconds + 1));
  });
});
