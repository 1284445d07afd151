import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { DEPLOY_DIR } from '../../tools/processes.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { rawConnect as connectTo, type RawConnection } from '../helpers/raw-http.js';

/** Attack: hold connections open by sending a request slowly (slowloris), or by idling on keep-alive. */
describe('slow clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      HTTP_HEADERS_TIMEOUT: '1',
      HTTP_REQUEST_TIMEOUT: '2',
      HTTP_KEEP_ALIVE_TIMEOUT: '1',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const open: RawConnection[] = [];
  const rawConnect = async () => {
    const connection = await connectTo(t.url);
    open.push(connection);
    return connection;
  };
  const drips: NodeJS.Timeout[] = [];
  /** Writes `text` every 100 ms, the way a slowloris client keeps a request alive. */
  const drip = (connection: RawConnection, text: string) => {
    const timer = setInterval(() => {
      if (!connection.socket.destroyed) connection.socket.write(text);
    }, 100);
    drips.push(timer);
  };
  afterEach(() => {
    for (const timer of drips.splice(0)) clearInterval(timer);
    for (const connection of open.splice(0)) connection.socket.destroy();
  });

  it('cuts a header drip after HTTP_HEADERS_TIMEOUT with 408', async () => {
    const connection = await rawConnect();
    connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    drip(connection, 'X-Slow: still coming\r\n');

    const closedAfterMs = await connection.closed(6000);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
  });

  it('cuts a trickled body after HTTP_REQUEST_TIMEOUT with 408', async () => {
    const connection = await rawConnect();
    connection.socket.write(
      'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    drip(connection, ' ');

    const closedAfterMs = await connection.closed(7000);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(1900);
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT', async () => {
    const connection = await rawConnect();
    connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await connection.waitFor('"status":"ok"');

    const closedAfterMs = await connection.closed(5000);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
  });

  it('does not let a keep-alive connection busy at shutdown hold the server open for the keep-alive timeout', async () => {
    const app = await startApp();
    const server = app.app.getHttpServer() as Server;
    const connection = await connectTo(app.url);
    open.push(connection);
    let closed: Promise<void> | undefined;
    server.once('request', () => {
      closed = app.close();
    });
    connection.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');

    await connection.waitFor('\r\n\r\n');
    // Well within HTTP_KEEP_ALIVE_TIMEOUT (76 s): the connection ends soon after its response.
    expect(await connection.closed(5000)).toBeLessThan(5000);
    await closed;
  });

  it('runs the production defaults on the server that createApp builds', async () => {
    const app = await startApp();
    try {
      const server = app.app.getHttpServer() as Server;
      expect({
        headersTimeout: server.headersTimeout,
        requestTimeout: server.requestTimeout,
        keepAliveTimeout: server.keepAliveTimeout,
      }).toEqual({
        headersTimeout: app.config.httpHeadersTimeoutSec * 1000,
        requestTimeout: app.config.httpRequestTimeoutSec * 1000,
        keepAliveTimeout: app.config.httpKeepAliveTimeoutSec * 1000,
      });
      expect(app.config).toMatchObject({
        httpHeadersTimeoutSec: 10,
        httpRequestTimeoutSec: 30,
        httpKeepAliveTimeoutSec: 76,
      });
      // The proxies in deploy/ must give up an idle connection before we do, or a request they
      // send on one we are closing fails (502). nginx keeps idle upstream connections 60 s by default.
      const proxyTimeouts = ['nginx.conf.template', 'nginx.compose.conf', 'haproxy.cfg'].flatMap((file) =>
        [
          ...readFileSync(new URL(file, DEPLOY_DIR), 'utf8').matchAll(
            /(?:proxy_read_timeout|keepalive_timeout|timeout\s+(?:server|client))\s+(\d+)s/g,
          ),
        ].map((m) => Number(m[1])),
      );
      expect(proxyTimeouts.length).toBeGreaterThan(0);
      expect(app.config.httpKeepAliveTimeoutSec).toBeGreaterThan(Math.max(60, ...proxyTimeouts));
    } finally {
      await app.close();
    }
  });
});
