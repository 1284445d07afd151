import request from 'supertest';
import { GracefulShutdown } from '../../src/realtime/graceful-shutdown.js';
import { startApp, type TestApp } from '../helpers/app.js';

describe('the health endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ INSTANCE_ID: 'health-1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers liveness with the instance and nothing about dependencies', async () => {
    const res = await request(t.url).get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok', instance: 'health-1' });
  });

  it('answers readiness naming each dependency of the profile and its state', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body).toEqual({ status: 'ok', instance: 'health-1', checks: { sqlite: 'up' } });
  });

  it('keeps GET /health as readiness, for load balancer configs that probe it', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', instance: 'health-1', checks: { sqlite: 'up' } });
  });

  it('turns readiness to 503 UNAVAILABLE while draining, liveness staying 200', async () => {
    // The state SIGTERM sets first (GracefulShutdown.drain); the whole drain has its own tests.
    const shutdown = t.app.get(GracefulShutdown);
    shutdown.draining = true;
    try {
      for (const path of ['/health/ready', '/health']) {
        const res = await request(t.url).get(path).expect(503);
        expect(res.body).toMatchObject({
          code: 'UNAVAILABLE',
          details: { instance: 'health-1', draining: true, checks: { sqlite: 'up' } },
        });
      }
      await request(t.url).get('/health/live').expect(200);
    } finally {
      shutdown.draining = false;
    }
  });
});
