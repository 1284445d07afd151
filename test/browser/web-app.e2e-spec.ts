import type { Browser } from 'playwright-core';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';
import {
  describeBrowser,
  launchBrowser,
  loginInUi,
  openPage,
  registerInUi,
  screenshot,
  unexpected,
  waitForChat,
  waitForLoginForm,
} from './browser.js';

/** Chromium logs every non-2xx fetch; these are the answers the tests provoke on purpose. */
const EXPECTED_HTTP_ERRORS = [
  /Failed to load resource: the server responded with a status of (400|401|403|409|429)/,
];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

describeBrowser('The web app served by the Nest app', () => {
  let server: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp({ LOGIN_MAX_FAILURES_PER_USER: '3' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves index.html at / under a strict CSP, with no-cache HTML and immutable hashed assets', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');

    const csp = directives(res.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect([...csp.values()].flat()).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const assetRes = await fetch(`${server.url}${asset}`);
      expect(assetRes.status).toBe(200);
      expect(assetRes.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // Read to the end: a bundle left unread stays in flight on a kept-alive connection, and
      // the server's close waits for it.
      await assetRes.arrayBuffer();
    }
  });

  it('leaves the API and Socket.IO paths to the server', async () => {
    const me = await fetch(`${server.url}/auth/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const path of ['/rooms', '/rooms/general/messages', '/nope', '/index.htm']) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status }).not.toEqual({ path, status: 200 });
      expect({ path, type: res.headers.get('content-type') }).toMatchObject({
        path,
        type: expect.stringMatching(/^application\/json/),
      });
      await res.arrayBuffer();
    }
    const io = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(io.headers.get('content-type') ?? '').not.toMatch(/^text\/html/);
    await io.arrayBuffer();
  });

  it('shows the login form first, with focus on the username', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, server.url);
    await waitForLoginForm(page);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-username');
    expect(await page.locator('#login-password').getAttribute('type')).toBe('password');
    expect(problems.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
    await context.close();
  });

  it('explains each registration and login failure', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, server.url);
    const taken = uniqueName('taken');

    await registerInUi(page, 'ab', '', 'short');
    await page.locator('#register-error').waitFor();
    await expect(page.locator('#register-username-error').textContent()).resolves.toMatch(
      /Username must be at least 3 characters/,
    );
    await expect(page.locator('#register-password-error').textContent()).resolves.toMatch(
      /Password must be at least 12 characters/,
    );
    expect(await page.locator('#register-username').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-username');

    await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: taken, password: STRONG_PASSWORD }),
    });
    await page.locator('#register-username').fill(taken);
    await page.locator('#register-password').fill(STRONG_PASSWORD);
    await page.locator('#register-form button[type="submit"]').click();
    await page.locator('#register-error', { hasText: 'That username is taken' }).waitFor();

    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await loginInUi(page, taken, 'not the right password');
    await page.locator('#login-error', { hasText: 'Wrong username or password.' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');

    for (let i = 0; i < 3; i += 1) {
      await page.locator('#login-password').fill(`wrong password ${i}`);
      await page.locator('#login-form button[type="submit"]').click();
      await page.waitForFunction(() => !document.querySelector('#login-form[aria-busy]'));
    }
    await page
      .locator('#login-error', { hasText: /Too many attempts\. Try again in \d+ (minutes?|seconds?)\./ })
      .waitFor();

    await page.route('**/auth/login', (route) => route.abort('internetdisconnected'));
    await page.locator('#login-form button[type="submit"]').click();
    await page.locator('#login-error', { hasText: 'Cannot reach the server' }).waitFor();
    await page.unroute('**/auth/login');

    // Chromium does not let a route rewrite Origin; the server's refusal itself is proven in
    // cross-origin.e2e-spec.ts, this checks what the form makes of it.
    await page.route('**/auth/login', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'CROSS_ORIGIN', message: 'Cross-origin request refused' }),
      }),
    );
    await page.locator('#login-form button[type="submit"]').click();
    await page.locator('#login-error', { hasText: 'did not come from this site' }).waitFor();

    expect(unexpected(problems, [...EXPECTED_HTTP_ERRORS, /ERR_INTERNET_DISCONNECTED/])).toEqual([]);
    await context.close();
  });

  it('registers, logs in, and logs out back to the login form', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context, server.url);
    const name = uniqueName('ann');
    await registerInUi(page, name, 'Ann Example');
    await page.locator('#chat-screen').waitFor();
    await expect(page.locator('#whoami').textContent()).resolves.toBe(`Ann Example (@${name})`);
    expect((await context.cookies()).map((c) => c.name)).toContain('tether.sid');

    await page.reload();
    await page.locator('#chat-screen').waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    // The login form, then its notice: a failure names what the page said instead.
    await waitForLoginForm(page).catch(async (error: unknown) => {
      const said = await page.locator('body').innerText();
      throw new Error(`no login form after logout; the page said: ${said}`, { cause: error });
    });
    expect(await page.locator('#auth-notice').innerText()).toBe('You have logged out.');
    const me = await page.evaluate(async () => (await fetch('/auth/me')).status);
    expect(me).toBe(401);
    await context.close();
  });

  it('keeps saying "You have logged out." when a request of the chat screen answers 401 after it', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context, server.url);
    await registerInUi(page, uniqueName('late'), 'Late Answer');
    await waitForChat(page);

    // Hold the next room list request until the logout is done; the server then answers it 401.
    let held!: () => void;
    const logoutDone = new Promise<void>((resolve) => (held = resolve));
    let reached!: () => void;
    const requested = new Promise<void>((resolve) => (reached = resolve));
    await page.route(
      (url) => url.pathname === '/rooms',
      async (route) => {
        reached();
        await logoutDone;
        await route.continue();
      },
    );
    await page.locator('#rooms-refresh').click();
    await requested;

    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForLoginForm(page);
    const late = page.waitForResponse((res) => new URL(res.url()).pathname === '/rooms');
    held();
    const answer = await late;
    expect(answer.status()).toBe(401);
    await answer.finished();
    // One task later the page has handled the answer (its handlers run on the fetch's resolution).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve)));
    expect(await page.locator('#auth-notice').innerText()).toBe('You have logged out.');
    await context.close();
  });

  it('fits a 360 px wide phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 720 }, deviceScaleFactor: 2 });
    const { page, problems } = await openPage(context, server.url);
    await waitForLoginForm(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems.filter((p) => p.startsWith('csp:'))).toEqual([]);
    await context.close();
  });

  it('takes the login screenshot for the README', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 }, colorScheme: 'light' });
    const { page } = await openPage(context, server.url);
    await waitForLoginForm(page);
    await screenshot(page, 'screenshot-login.png');
    await context.close();
  });
});
