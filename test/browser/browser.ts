import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { STRONG_PASSWORD } from '../helpers/app.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const INDEX_HTML = fileURLToPath(new URL('../../dist/public/index.html', import.meta.url));
export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

/** Generous: two shared cores, argon2 hashing, and other suites running at the same time. */
export const WAIT_MS = 15_000;

/**
 * `describe` when Chromium is there (or on CI, where its absence must fail), else `describe.skip`
 * with a printed reason: a skip is never silent.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (!existsSync(CHROMIUM_PATH) && process.env.CI !== 'true') {
    console.log(`[browser] skipping "${name}": ${CHROMIUM_PATH} not found (apt-get install chromium)`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

/** Launches Debian's Chromium; fails with a clear message when it or the built web app is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing and CI=true: install Debian's chromium`);
  }
  if (!existsSync(INDEX_HTML)) {
    throw new Error(`${INDEX_HTML} is missing: run \`npm run build\` before the browser tests`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and CSP violations seen so far. */
  problems: string[];
}

/** A page that records console errors and Content-Security-Policy violations. */
export async function openPage(context: BrowserContext, url?: string): Promise<WatchedPage> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportCsp', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp(t: string): void }).__reportCsp(
        `${e.violatedDirective} blocked ${e.blockedURI}`,
      );
    });
  });
  if (url) await page.goto(url);
  return { page, problems };
}

/** Console errors that are expected while a test deliberately breaks things. */
export function unexpected(problems: string[], allowed: RegExp[] = []): string[] {
  return problems.filter((p) => !allowed.some((re) => re.test(p)));
}

export async function waitForLoginForm(page: Page): Promise<void> {
  await page.locator('#login-form').waitFor({ state: 'visible' });
}

export async function waitForChat(page: Page): Promise<void> {
  await page.locator('#chat-screen').waitFor({ state: 'visible' });
  await page.locator('#connection[data-state="connected"]').waitFor();
}

/** Registers through the form (which then logs in) and waits for the connected chat screen. */
export async function registerInUi(
  page: Page,
  username: string,
  displayName = '',
  password = STRONG_PASSWORD,
): Promise<void> {
  await waitForLoginForm(page);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.locator('#register-username').fill(username);
  if (displayName) await page.locator('#register-displayName').fill(displayName);
  await page.locator('#register-password').fill(password);
  await page.locator('#register-form button[type="submit"]').click();
}

export async function loginInUi(page: Page, username: string, password = STRONG_PASSWORD): Promise<void> {
  await waitForLoginForm(page);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-form button[type="submit"]').click();
}

export function messageRow(page: Page, text: string, state: 'sent' | 'pending' | 'failed' = 'sent') {
  return page.locator(`#message-list li[data-state="${state}"]`, { hasText: text });
}

export async function sendInUi(page: Page, text: string): Promise<void> {
  const box = page.locator('#composer-text');
  await box.fill(text);
  await box.press('Enter');
}

export async function openRoomInUi(page: Page, name: string): Promise<void> {
  await page.locator('#room-list button', { hasText: `# ${name}` }).click();
  await page.locator('#room-title', { hasText: `# ${name}` }).waitFor();
}

export async function screenshot(page: Page, file: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_DIR, { recursive: true });
  await page.screenshot({ path: `${DOCS_DIR}${file}` });
}
