import type { Browser } from 'playwright-core';
import {
  CLIENT_EVENTS,
  PROTOCOL_VERSION,
  ROUTES,
  SERVER_EVENTS,
  SPEC_URLS,
} from '../../src/protocol/index.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { describeBrowser, launchBrowser, openPage, screenshot } from './browser.js';

describeBrowser('The protocol docs page', () => {
  let server: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every HTTP operation and socket event from the served specifications, offline, under the CSP', async () => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      colorScheme: 'light',
    });
    const { page, problems } = await openPage(context, `${server.url}${SPEC_URLS.docs}`);
    await page.locator('#http:not([hidden])').waitFor();
    await page.locator('#version', { hasText: `v${PROTOCOL_VERSION}` }).waitFor();
    for (const operationId of Object.keys(ROUTES)) {
      await expect(page.locator(`#op-${operationId}`).count()).resolves.toBe(1);
    }
    const socketEvents = await page.locator('#socket h4 code').allTextContents();
    expect(socketEvents).toEqual(
      expect.arrayContaining([...Object.keys(CLIENT_EVENTS), ...Object.keys(SERVER_EVENTS)]),
    );
    await screenshot(page, 'screenshot-protocol.png');
    // A named model is a link to its entry.
    await page.locator('#op-me a.ref', { hasText: 'User' }).first().click();
    await expect(page.locator('#schema-User').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
