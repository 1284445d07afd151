import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { startApp, tempDir, uniqueName, type TestApp } from '../helpers/app.js';
import {
  describeBrowser,
  launchBrowser,
  messageRow,
  openPage,
  registerInUi,
  sendInUi,
  waitForChat,
  waitForLoginForm,
} from './browser.js';

const RECONNECT_MS = 30_000;

describeBrowser('A message sent while the server restarts', () => {
  let browser: Browser;
  let server: TestApp | undefined;
  const dataDir = tempDir('tether-browser-restart-');
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stays pending while the server is down and is delivered exactly once after the reconnect', async () => {
    server = await startApp({ DATA_DIR: dataDir });
    const port = new URL(server.url).port;
    const [sender, receiver] = await Promise.all(
      ['Sam', 'Rita'].map(async (name) => {
        const context = await browser.newContext();
        contexts.push(context);
        const { page } = await openPage(context, server!.url);
        await registerInUi(page, uniqueName(name.toLowerCase()), name);
        await waitForChat(page);
        await page.locator('#room-title', { hasText: '# general' }).waitFor();
        return page;
      }),
    );
    await sendInUi(sender, 'before the restart');
    await messageRow(receiver, 'before the restart').waitFor();

    // Not server.close(): the data directory (sessions, secret, messages) must survive.
    await server.app.close();
    server = undefined;
    await sender.locator('#connection[data-state="reconnecting"]').waitFor();
    await receiver.locator('#connection[data-state="reconnecting"]').waitFor();

    const text = `sent while the server was down ${uniqueName('m')}`;
    await sendInUi(sender, text);
    await messageRow(sender, text, 'pending').waitFor();
    await expect(messageRow(sender, text, 'pending').textContent()).resolves.toContain('Sending…');

    server = await startApp({ PORT: port, DATA_DIR: dataDir });
    await messageRow(sender, text, 'sent').waitFor({ timeout: RECONNECT_MS });
    await messageRow(receiver, text, 'sent').waitFor({ timeout: RECONNECT_MS });
    await sender.locator('#connection[data-state="connected"]').waitFor();

    // A later message is a barrier: anything duplicated by the restart would have arrived before it.
    await sendInUi(sender, 'after the restart');
    await messageRow(receiver, 'after the restart').waitFor();

    const stored = await sender.evaluate(async () => {
      const res = await fetch('/rooms/general/messages?limit=100', { credentials: 'same-origin' });
      return ((await res.json()) as { messages: { text: string; clientMsgId: string }[] }).messages;
    });
    expect(stored.filter((m) => m.text === text)).toHaveLength(1);
    expect(stored.map((m) => m.text)).toEqual(['before the restart', text, 'after the restart']);
    for (const page of [sender, receiver]) {
      expect(await page.locator('#message-list li', { hasText: text }).count()).toBe(1);
      expect(await page.locator('#message-list li[data-state="sent"]').allTextContents()).toHaveLength(3);
    }
  }, 60_000);

  it('returns to the login form when the session is gone at the reconnect handshake', async () => {
    server ??= await startApp({ DATA_DIR: dataDir });
    const port = new URL(server.url).port;
    const context = await browser.newContext();
    contexts.push(context);
    const { page } = await openPage(context, server.url);
    await registerInUi(page, uniqueName('gone'), 'Gone');
    await waitForChat(page);

    await server.app.close();
    server = undefined;
    await page.locator('#connection[data-state="reconnecting"]').waitFor();
    rmSync(join(dataDir, 'sessions'), { recursive: true, force: true });
    server = await startApp({ PORT: port, DATA_DIR: dataDir });

    // The cookie is still signed by our secret, so the server says SESSION_EXPIRED.
    await page.locator('#auth-notice', { hasText: 'Your session expired. Log in again.' }).waitFor({
      timeout: RECONNECT_MS,
    });
    await waitForLoginForm(page);
  }, 60_000);
});
