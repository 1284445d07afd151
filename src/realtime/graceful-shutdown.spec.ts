import { loadConfig } from '../config/config.js';
import { GracefulShutdown } from './graceful-shutdown.js';

describe('GracefulShutdown', () => {
  it('waits for running handlers before closing connections, and refuses new work meanwhile', async () => {
    const shutdown = new GracefulShutdown(loadConfig({ SHUTDOWN_TIMEOUT: '5' }));
    let closed = false;
    const namespace = { server: { engine: { clientsCount: 1, close: () => (closed = true) } } } as never;
    shutdown.begin();
    const done = shutdown.drain(namespace, 'SIGTERM');
    expect(shutdown.draining).toBe(true);
    await Promise.resolve();
    expect(closed).toBe(false);
    shutdown.end();
    await done;
    expect(closed).toBe(true);
  });

  it('gives up waiting after SHUTDOWN_TIMEOUT', async () => {
    const shutdown = new GracefulShutdown(loadConfig({ SHUTDOWN_TIMEOUT: '1' }));
    let closed = false;
    const namespace = { server: { engine: { clientsCount: 0, close: () => (closed = true) } } } as never;
    shutdown.begin();
    const started = Date.now();
    await shutdown.drain(namespace, 'SIGTERM');
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
