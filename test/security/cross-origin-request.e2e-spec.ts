import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loggedInAgent, startApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { rawConnect } from '../helpers/raw-http.js';

/**
 * Attack: a page on another origin makes the victim's browser send state-changing requests to
 * Tether (CSRF), and reads whatever the answer gives away.
 */
describe('an unsafe request from a foreign origin', () => {
  let t: TestApp;
  let victim: Awaited<ReturnType<typeof loggedInAgent>>;

  beforeAll(async () => {
    t = await startApp();
    victim = await loggedInAgent(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * The raw response to `head` + `body`, without the Date and X-Request-Id lines (the only parts that
   * may differ, and neither depends on the route, session or body).
   */
  async function raw(method: string, path: string, headers: Record<string, string>, body = '') {
    const connection = await rawConnect(t.url);
    try {
      const lines = Object.entries({
        Host: new URL(t.url).host,
        Connection: 'close',
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        ...headers,
      }).map(([k, v]) => `${k}: ${v}\r\n`);
      connection.socket.write(`${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n${body}`);
      await connection.closed();
      return connection.received().replace(/^(date|x-request-id): .*\r\n/gim, '');
    } finally {
      connection.socket.destroy();
    }
  }

  const sessionFiles = () =>
    Object.fromEntries(
      readdirSync(join(t.dataDir, 'sessions')).map((f) => [
        f,
        readFileSync(join(t.dataDir, 'sessions', f), 'utf8'),
      ]),
    );

  it.each([
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame, file:)', { Origin: 'null' }],
    ['the same host on another scheme', { Origin: 'https://127.0.0.1' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('is refused byte for byte alike (%s), whatever the route, session or body', async (_, attack) => {
    const before = sessionFiles();
    const answers = await Promise.all([
      raw('POST', '/auth/logout', { ...attack, Cookie: victim.cookie }),
      raw(
        'POST',
        '/auth/password',
        { ...attack, Cookie: victim.cookie },
        JSON.stringify({ currentPassword: STRONG_PASSWORD, newPassword: 'x'.repeat(20) }),
      ),
      raw(
        'POST',
        '/auth/login',
        attack,
        JSON.stringify({ username: victim.user.username, password: STRONG_PASSWORD }),
      ),
      raw('POST', '/rooms', { ...attack, Cookie: victim.cookie }, '{"name": '),
      raw('DELETE', '/rooms/general', { ...attack, Cookie: victim.cookie }),
      raw('PUT', '/no/such/route', attack),
    ]);

    for (const answer of answers) expect(answer).toBe(answers[0]);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 403 /);
    expect(answers[0]).not.toMatch(/set-cookie|access-control-allow/i);
    expect(JSON.parse(answers[0].slice(answers[0].indexOf('\r\n\r\n') + 4))).toEqual({
      code: 'CROSS_ORIGIN',
      message: 'Cross-origin request refused',
    });
    // Nothing ran: no session was written, and the victim is still logged in with the old password.
    expect(sessionFiles()).toEqual(before);
    await victim.agent.get('/auth/me').expect(200);
  });

  it('lets the same origin, and clients that send neither header, through', async () => {
    const allowed: Record<string, string>[] = [{ Origin: t.url, 'Sec-Fetch-Site': 'same-origin' }, {}];
    for (const headers of allowed) {
      const answer = await raw(
        'POST',
        '/rooms',
        { ...headers, Cookie: victim.cookie },
        JSON.stringify({ name: 'ok', visibility: 'private' }),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    }
  });
});
