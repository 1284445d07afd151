import type { Browser } from 'playwright-core';
import { apiClient, newApiKey } from '../helpers/api.js';
import { startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';
import { describeBrowser, launchBrowser, loginInUi, openPage, unexpected, waitForChat } from './browser.js';

const KEY = newApiKey();
/** The failed login of the disabled account, on purpose. */
const EXPECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of (401|403)/];

describeBrowser('The web app on a server whose operator manages the accounts', () => {
  let server: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp({ REGISTRATION: 'closed', API_KEY: KEY });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('offers no sign-up form while registration is closed, and says how to get an account', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, server.url);
    await page.locator('#registration-closed', { hasText: 'ask its operator for an account' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create an account' }).isVisible()).toBe(false);
    expect(await page.locator('#register-form').isVisible()).toBe(false);
    expect(unexpected(problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
    await context.close();
  });

  it('ends the chat of a user the operator disables, and says why at login', async () => {
    const username = uniqueName('ops');
    const api = apiClient(server.url, KEY);
    await api.post('/api/users', { username, password: STRONG_PASSWORD }).expect(201);
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, server.url);
    await loginInUi(page, username);
    await waitForChat(page);
    // Once the chat has loaded: a request of its own in flight would see the 401 first.
    await page.locator('#room-title', { hasText: '# general' }).waitFor();

    await api.post(`/api/users/${username}/disable`).expect(204);
    await page.locator('#auth-notice', { hasText: 'Your account was disabled' }).waitFor();
    await loginInUi(page, username);
    await page.locator('#login-error', { hasText: 'This account is disabled' }).waitFor();
    expect(unexpected(problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
    await context.close();
  });
});
