import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Message } from '../../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';
import {
  describeBrowser,
  launchBrowser,
  messageRow,
  openPage,
  registerInUi,
  sendInUi,
  unexpected,
  waitForChat,
  type WatchedPage,
} from './browser.js';

/** The page checks for a session at start: 401 before logging in is expected. */
const EXPECTED = [/Failed to load resource: the server responded with a status of 401/];

interface Person extends WatchedPage {
  context: BrowserContext;
  username: string;
}

describeBrowser('Messages that change, in the browser', () => {
  let server: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp({ MESSAGE_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function person(displayName: string): Promise<Person> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 720 },
      colorScheme: 'light',
    });
    contexts.push(context);
    const watched = await openPage(context, server.url);
    const username = uniqueName(displayName.toLowerCase());
    await registerInUi(watched.page, username, displayName);
    await waitForChat(watched.page);
    await watched.page.locator('#room-title', { hasText: '# general' }).waitFor();
    return { ...watched, context, username };
  }

  /** A bot in general that says things over a real socket, for messages the test needs many of. */
  async function bot(): Promise<(text: string) => Promise<Message>> {
    const agent = await loggedInAgent(server.url, uniqueName('bot'));
    const socket = chatClient(server.url, { cookie: agent.cookie });
    sockets.push(socket);
    await connected(socket);
    await ack(socket, 'room:join', { roomId: 'general' });
    return async (text) =>
      (await ack(socket, 'message:send', { roomId: 'general', text, clientMsgId: randomUUID() }))
        .message as Message;
  }

  it('shows an edit (Up arrow), a reaction and a deletion live in a second browser', async () => {
    const alice = await person('Alice');
    const bob = await person('Bob');
    const typo = `Helo wrold ${randomUUID().slice(0, 6)}`;
    await sendInUi(alice.page, typo);
    await messageRow(bob.page, typo).waitFor();

    // Up in the empty composer edits the last own message; Enter saves.
    const box = alice.page.locator('#composer-text');
    await box.press('ArrowUp');
    expect(await box.inputValue()).toBe(typo);
    const fixed = typo.replace('Helo wrold', 'Hello world');
    await box.fill(fixed);
    await box.press('Enter');
    const bobsRow = messageRow(bob.page, fixed);
    await bobsRow.locator('.edited', { hasText: '(edited)' }).waitFor();
    // Bob may react but neither edit nor delete Alice's message.
    expect(await bobsRow.locator('[data-action="edit"], [data-action="delete"]').count()).toBe(0);

    await bobsRow.locator('[data-action="react"]').click();
    await bobsRow.locator('[data-action="pick"][data-emoji="🎉"]').click();
    const alicesRow = messageRow(alice.page, fixed);
    await alicesRow.locator('.reaction', { hasText: '🎉 1' }).waitFor();

    // Deleting asks first; a refusal keeps it, a confirmation turns it into a tombstone everywhere.
    alice.page.once('dialog', (dialog) => void dialog.dismiss());
    await alicesRow.locator('[data-action="delete"]').click();
    await alicesRow.locator('[data-action="delete"]').waitFor();
    const id = await alicesRow.getAttribute('data-id');
    alice.page.once('dialog', (dialog) => void dialog.accept());
    await alicesRow.locator('[data-action="delete"]').click();
    await bob.page
      .locator(`#message-list li[data-id="${id}"] .tombstone`, { hasText: 'This message was deleted.' })
      .waitFor();
    expect(await bob.page.locator('#message-list li', { hasText: fixed }).count()).toBe(0);
    expect(unexpected([...alice.problems, ...bob.problems], EXPECTED)).toEqual([]);
  });

  it('opens the room at the message a search found, loading it when it is far back', async () => {
    const say = await bot();
    const word = `needle${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const target = await say(`the ${word} is here`);
    for (let i = 0; i < 70; i++) await say(`haystack ${i}`);
    const carol = await person('Carol');
    expect(await carol.page.locator(`#message-list li[data-id="${target.id}"]`).count()).toBe(0);

    await carol.page.locator('#search-q').fill(word);
    await carol.page.locator('#search-form button[type="submit"]').click();
    const result = carol.page.locator(`.search-result[data-message-id="${target.id}"]`);
    await result.waitFor();
    await result.click();
    const row = carol.page.locator(`#message-list li.highlight[data-id="${target.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(word);
    expect(await row.isVisible()).toBe(true);
    expect(unexpected(carol.problems, EXPECTED)).toEqual([]);
  });

  it('renders links and formatting safely: http(s) links only, never markup', async () => {
    const say = await bot();
    const dave = await person('Dave');
    let dialogs = 0;
    dave.page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const hostile = [
      'see https://example.com/a?b=1&c=2. and javascript:alert(1)',
      '[x](javascript:alert(2)) data:text/html,<script>alert(3)</script>',
      '<img src=x onerror=alert(4)> <a href="javascript:alert(5)">click</a>',
      '**bold** *italic* `<b>code</b>` https://javascript:alert(6)',
    ].join(' ');
    const message = await say(hostile);
    const row = dave.page.locator(`#message-list li[data-id="${message.id}"]`);
    await row.waitFor();

    const links = await row
      .locator('.text a')
      .evaluateAll((as) =>
        as.map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel'), text: a.textContent })),
      );
    // `https://javascript:alert(6)` does not parse as a URL (its port): it stays text too.
    expect(links).toEqual([
      {
        href: 'https://example.com/a?b=1&c=2',
        rel: 'noopener noreferrer nofollow',
        text: 'https://example.com/a?b=1&c=2',
      },
    ]);
    expect(await row.locator('img, script, b, [onerror]').count()).toBe(0);
    expect(await row.locator('.text strong').textContent()).toBe('bold');
    expect(await row.locator('.text em').textContent()).toBe('italic');
    expect(await row.locator('.text code').textContent()).toBe('<b>code</b>');
    expect(await row.locator('.text').textContent()).toContain('<img src=x onerror=alert(4)>');
    expect(dialogs).toBe(0);
    expect(unexpected(dave.problems, EXPECTED)).toEqual([]);
  });
});
