import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { chatClient, connected, refusal } from '../helpers/sockets.js';
import { describeBrowser, launchBrowser, openPage, registerInUi, waitForChat } from './browser.js';

interface AttackReport {
  websocket: string;
  logout: string;
  createRoomNoCors: string;
  createRoomCors: string;
}

/** The attacker's page: an inline script is fine here, this is not our site. */
function attackerPage(target: string): string {
  const ws = target.replace(/^http/, 'ws');
  return `<!doctype html><title>Totally harmless</title><script>
const settle = (p) => p.then((r) => 'status ' + r.status + ' ' + r.type, (e) => 'rejected: ' + e.name);
const socket = new Promise((resolve) => {
  const s = new WebSocket(${JSON.stringify(`${ws}/socket.io/?EIO=4&transport=websocket`)});
  s.onmessage = (e) => {
    if (String(e.data).startsWith('0')) s.send('40/chat,');
    else if (String(e.data).startsWith('40/chat')) resolve('namespace connected: ' + e.data);
    else if (String(e.data).startsWith('44/chat')) resolve('namespace refused: ' + e.data);
  };
  s.onclose = (e) => resolve('closed ' + e.code);
});
Promise.all([
  socket,
  settle(fetch(${JSON.stringify(`${target}/auth/logout`)}, { method: 'POST', credentials: 'include', mode: 'no-cors' })),
  settle(fetch(${JSON.stringify(`${target}/rooms`)}, { method: 'POST', credentials: 'include', mode: 'no-cors',
    headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ name: 'pwned-simple', visibility: 'public' }) })),
  settle(fetch(${JSON.stringify(`${target}/rooms`)}, { method: 'POST', credentials: 'include',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'pwned-cors', visibility: 'public' }) })),
]).then(([websocket, logout, createRoomNoCors, createRoomCors]) => {
  window.report = { websocket, logout, createRoomNoCors, createRoomCors };
});
</script>`;
}

function rawRequest(
  url: string,
  options: { method?: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describeBrowser('A page from another site', () => {
  let server: TestApp;
  let browser: Browser;
  let attacker: Server;
  let attackerOrigin: string;
  let context: BrowserContext;
  let victim: Page;
  let cookie: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp();
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(attackerPage(server.url));
    });
    // All interfaces: Chromium may resolve localhost to ::1 first.
    await new Promise<void>((resolve) => attacker.listen(0, resolve));
    // Another host name makes it another site for the browser, not just another port.
    attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;

    context = await browser.newContext();
    ({ page: victim } = await openPage(context, server.url));
    await registerInUi(victim, uniqueName('victim'), 'Victim');
    await waitForChat(victim);
    const sid = (await context.cookies(server.url)).find((c) => c.name === 'tether.sid');
    cookie = `${sid!.name}=${sid!.value}`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await server?.close();
  });

  async function victimRooms(): Promise<string[]> {
    return victim.evaluate(async () => {
      const res = await fetch('/rooms', { credentials: 'same-origin' });
      return ((await res.json()) as { rooms: { name: string }[] }).rooms.map((r) => r.name);
    });
  }

  it('cannot open an authenticated socket, log the victim out or create a room from the browser', async () => {
    const page = await context.newPage();
    const socketErrors: string[] = [];
    page.on('websocket', (ws) => ws.on('socketerror', (error) => socketErrors.push(error)));
    await page.goto(`${attackerOrigin}/`);
    await page.waitForFunction(() => 'report' in window, undefined, { timeout: 15_000 });
    const report = (await page.evaluate(
      () => (window as unknown as { report: unknown }).report,
    )) as AttackReport;

    expect(report.websocket).toMatch(/^closed /);
    expect(socketErrors).toEqual(['Error during WebSocket handshake: Unexpected response code: 403']);
    // helmet's Cross-Origin-Resource-Policy hides even the opaque answers; what counts is the effect.
    for (const attempt of [report.logout, report.createRoomNoCors, report.createRoomCors]) {
      expect(attempt).toMatch(/^rejected|^status 0 opaque/);
    }

    expect(await victim.evaluate(async () => (await fetch('/auth/me')).status)).toBe(200);
    await victim.locator('#connection[data-state="connected"]').waitFor();
    expect((await victimRooms()).filter((name) => name.startsWith('pwned'))).toEqual([]);
  });

  it('refuses, on the server, the same requests carrying the victim cookie and the foreign Origin', async () => {
    const foreign = { Cookie: cookie, Origin: attackerOrigin };

    const poll = await rawRequest(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: foreign });
    expect(poll.status).toBe(403);
    expect(JSON.parse(poll.body)).toMatchObject({ code: 'CROSS_ORIGIN' });
    for (const transport of ['websocket', 'polling'] as const) {
      const err = await refusal(chatClient(server.url, { cookie, origin: attackerOrigin, transport }));
      expect({ transport, data: err.data }).toEqual({ transport, data: undefined });
    }

    const logout = await rawRequest(`${server.url}/auth/logout`, { method: 'POST', headers: foreign });
    expect(logout.status).toBe(403);
    expect(JSON.parse(logout.body)).toMatchObject({ code: 'CROSS_ORIGIN' });
    const body = JSON.stringify({ name: 'pwned-node', visibility: 'public' });
    for (const headers of [foreign, { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' }]) {
      const create = await rawRequest(`${server.url}/rooms`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body,
      });
      expect(create.status).toBe(403);
      expect(JSON.parse(create.body)).toMatchObject({ code: 'CROSS_ORIGIN' });
    }

    // The cookie itself is good: with our own Origin the very same handshake succeeds.
    const own = await connected(chatClient(server.url, { cookie, origin: server.url }));
    own.close();
    expect((await rawRequest(`${server.url}/auth/me`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await victimRooms()).filter((name) => name.startsWith('pwned'))).toEqual([]);
  });
});
