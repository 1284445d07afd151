import { loggedInAgent, startApp, type TestApp } from '../helpers/app.js';
import { parseResponse, rawConnect as connectTo, type RawConnection } from '../helpers/raw-http.js';

/** Attack: announce a body far over the limit, send a few bytes, and hold the connection. */
describe('an announced body over the limit', () => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await startApp();
    ({ cookie } = await loggedInAgent(t.url));
  });
  afterAll(async () => {
    await t.close();
  });

  const open: RawConnection[] = [];
  const rawConnect = async (url: string) => {
    const connection = await connectTo(url);
    open.push(connection);
    return connection;
  };
  afterEach(() => {
    for (const connection of open.splice(0)) connection.socket.destroy();
  });

  const announce = (method: string, path: string, contentLength: number, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: ${new URL(t.url).host}\r\nContent-Type: application/json\r\n` +
    `Cookie: ${cookie}\r\nContent-Length: ${contentLength}\r\n${extra}\r\n{"a":`;

  it.each([
    ['POST', '/auth/register'],
    ['POST', '/auth/login'],
    ['POST', '/rooms'],
    ['POST', '/no/such/route'],
    ['PUT', '/'],
    ['GET', '/auth/me'],
  ])('%s %s answers 413 at once from the header and closes, the body never sent', async (method, path) => {
    const connection = await rawConnect(t.url);
    connection.socket.write(announce(method, path, 52_428_800));

    const closedAfterMs = await connection.closed(3000);
    const response = parseResponse(connection.received());
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    expect(response.headers).toMatch(/^connection: close$/im);
    // Far below any request timeout: the server did not wait for the 50 MB.
    expect(closedAfterMs).toBeLessThan(t.config.httpRequestTimeoutSec * 1000);
  });

  it('still reads a body of exactly the limit (and judges its content)', async () => {
    const connection = await rawConnect(t.url);
    const body = JSON.stringify({ username: 'x'.repeat(t.config.httpBodyLimitBytes - 30), password: 'p' });
    const padded = body + ' '.repeat(t.config.httpBodyLimitBytes - Buffer.byteLength(body));
    connection.socket.write(
      `POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(padded)}\r\nConnection: close\r\n\r\n${padded}`,
    );
    await connection.closed();
    const response = parseResponse(connection.received());
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses a chunked body that grows past the limit with 413 from the parser', async () => {
    const connection = await rawConnect(t.url);
    connection.socket.write(
      `POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    );
    const chunk = 'x'.repeat(4096);
    for (let sent = 0; sent <= 4 * t.config.httpBodyLimitBytes; sent += chunk.length) {
      connection.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    }
    // A chunked body announces no length, so the parser counts it and discards the rest; a body
    // that never ends is cut by HTTP_REQUEST_TIMEOUT instead (slowloris.e2e-spec.ts).
    connection.socket.write('0\r\n\r\n');
    await connection.closed();
    const response = parseResponse(connection.received());
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
  });

  it('refuses an Engine.IO polling POST announcing more than SOCKET_MAX_PAYLOAD at once, the body never sent', async () => {
    const open = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie } });
    const { sid } = JSON.parse((await open.text()).slice(1)) as { sid: string };
    const connection = await rawConnect(t.url);
    connection.socket.write(
      `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: ${new URL(t.url).host}\r\n` +
        `Content-Type: text/plain\r\nContent-Length: ${t.config.socketMaxPayloadBytes + 1}\r\n\r\n40`,
    );

    const closedAfterMs = await connection.closed(3000);
    const response = parseResponse(connection.received());
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    expect(closedAfterMs).toBeLessThan(t.config.httpRequestTimeoutSec * 1000);
  });
});
