import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loggedInAgent, startApp, STRONG_PASSWORD, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected } from '../helpers/sockets.js';
import {
  describeBrowser,
  launchBrowser,
  loginInUi,
  messageRow,
  openPage,
  openRoomInUi,
  registerInUi,
  screenshot,
  sendInUi,
  unexpected,
  waitForChat,
  waitForLoginForm,
  type WatchedPage,
} from './browser.js';

interface Person extends WatchedPage {
  context: BrowserContext;
  username: string;
  displayName: string;
}

const EXPECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of (401|404)/];

describeBrowser('Chatting in the browser', () => {
  let server: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    // The history test seeds more messages than the default per-user rate allows.
    server = await startApp({ MESSAGE_RATE_LIMIT: '1000' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function person(displayName: string, viewport = { width: 1100, height: 720 }): Promise<Person> {
    const context = await browser.newContext({ viewport, colorScheme: 'light' });
    contexts.push(context);
    const watched = await openPage(context, server.url);
    const username = uniqueName(displayName.toLowerCase());
    await registerInUi(watched.page, username, displayName);
    await waitForChat(watched.page);
    return { ...watched, context, username, displayName };
  }

  const roomIdOfOpenRoom = (page: Page) =>
    page.locator('#room-list button[aria-current="true"]').getAttribute('data-room-id');

  it('lets two users exchange messages both ways in general, with presence and typing', async () => {
    const alice = await person('Alice');
    const bob = await person('Bob');
    for (const { page } of [alice, bob]) {
      await page.locator('#room-title', { hasText: '# general' }).waitFor();
      await page.locator('#connection[data-transport="websocket"]').waitFor();
    }
    await alice.page.locator('#presence-list li', { hasText: 'Bob' }).waitFor();
    await bob.page.locator('#presence-list li', { hasText: 'Alice' }).waitFor();
    await bob.page.locator('#presence-list li', { hasText: 'Bob (you)' }).waitFor();

    await bob.page.locator('#composer-text').fill('Hi Al');
    await alice.page.locator('#typing', { hasText: 'Bob is typing…' }).waitFor();

    await sendInUi(alice.page, 'Hello Bob, how are you?');
    expect(await alice.page.locator('#message-list li', { hasText: 'Hello Bob' }).count()).toBe(1);
    await messageRow(alice.page, 'Hello Bob').waitFor();
    await messageRow(bob.page, 'Hello Bob').waitFor();

    await bob.page.locator('#composer-text').fill('');
    await sendInUi(bob.page, 'Fine, thanks Alice!\nTwo lines, even.');
    await messageRow(bob.page, 'Fine, thanks Alice!').waitFor();
    await messageRow(alice.page, 'Fine, thanks Alice!').waitFor();
    await alice.page.locator('#typing:empty').waitFor({ state: 'attached' });

    for (const { page } of [alice, bob]) {
      expect(await page.locator('#message-list li', { hasText: 'Hello Bob' }).count()).toBe(1);
      expect(await page.locator('#message-list li', { hasText: 'Fine, thanks' }).count()).toBe(1);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-text');
    }
    await sendInUi(alice.page, 'Let me show you the new room list.');
    await messageRow(bob.page, 'new room list').waitFor();
    await screenshot(bob.page, 'screenshot-chat.png');

    await bob.page.close();
    await alice.page.locator('#presence-list li', { hasText: 'Bob' }).waitFor({ state: 'detached' });
    expect(unexpected(alice.problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
    expect(unexpected(bob.problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
  });

  it('keeps a private room invisible to a non-member until the owner adds them', async () => {
    const owner = await person('Olga');
    const other = await person('Pete');
    const roomName = uniqueName('secret');

    await owner.page.locator('#new-room summary').click();
    await owner.page.locator('#room-name').fill(roomName);
    await owner.page.locator('#room-visibility').selectOption('private');
    await owner.page.locator('#room-form button[type="submit"]').click();
    await owner.page.locator('#room-title', { hasText: `# ${roomName}` }).waitFor();
    const roomId = await roomIdOfOpenRoom(owner.page);
    expect(roomId).toBeTruthy();
    await sendInUi(owner.page, 'only for members');
    await messageRow(owner.page, 'only for members').waitFor();

    await other.page.locator('#rooms-refresh').click();
    await other.page.locator('#room-list button', { hasText: '# general' }).waitFor();
    expect(await other.page.locator('#room-list button', { hasText: roomName }).count()).toBe(0);
    const peek = await other.page.evaluate(async (id) => {
      const [room, messages] = await Promise.all([
        fetch(`/rooms/${encodeURIComponent(id)}`),
        fetch(`/rooms/${encodeURIComponent(id)}/messages`),
      ]);
      return [room.status, messages.status];
    }, roomId!);
    expect(peek).toEqual([404, 404]);

    await owner.page.locator('#member-username').fill('nobody_by_that_name');
    await owner.page.locator('#member-form button[type="submit"]').click();
    await owner.page.locator('#member-result', { hasText: 'No such user' }).waitFor();
    await owner.page.locator('#member-username').fill(other.username);
    await owner.page.locator('#member-form button[type="submit"]').click();
    await owner.page.locator('#member-result', { hasText: `Added ${other.username}.` }).waitFor();

    await other.page.locator('#rooms-refresh').click();
    await openRoomInUi(other.page, roomName);
    await messageRow(other.page, 'only for members').waitFor();
    expect(await other.page.locator('#member-form').isHidden()).toBe(true);
  });

  it('ends the socket of a second tab when the first tab of the same session logs out', async () => {
    const first = await person('Tabby');
    const second = await openPage(first.context, server.url);
    await waitForChat(second.page);

    await first.page.getByRole('button', { name: 'Log out' }).click();
    await first.page.locator('#auth-notice', { hasText: 'You have logged out.' }).waitFor();

    await waitForLoginForm(second.page);
    await second.page.locator('#auth-notice', { hasText: 'logged out in another tab' }).waitFor();
    await second.page.locator('#connection[data-state="ended"]').waitFor();
    expect(await second.page.evaluate(() => document.activeElement?.id)).toBe('login-username');
  });

  it('shows the latest 50 messages and loads older ones when scrolling up', async () => {
    const seeder = await loggedInAgent(server.url);
    const roomName = uniqueName('history');
    const created = await seeder.agent
      .post('/rooms')
      .send({ name: roomName, visibility: 'public' })
      .expect(201);
    const roomId = (created.body as { room: { id: string } }).room.id;
    const socket = await connected(chatClient(server.url, { cookie: seeder.cookie }));
    expect((await ack(socket, 'room:join', { roomId })).ok).toBe(true);
    for (let i = 1; i <= 60; i += 1) {
      const res = await ack(socket, 'message:send', {
        roomId,
        text: `history message ${i}.`,
        clientMsgId: `h${i}`,
      });
      expect(res.ok).toBe(true);
    }
    socket.close();

    const reader = await person('Reader');
    await reader.page.locator('#rooms-refresh').click();
    await openRoomInUi(reader.page, roomName);
    await messageRow(reader.page, 'history message 60.').waitFor();
    expect(await reader.page.locator('#message-list li').count()).toBe(50);
    expect(await messageRow(reader.page, 'history message 10.').count()).toBe(0);
    await reader.page.locator('#load-older').waitFor();

    await reader.page.locator('#message-scroller').evaluate((el) => el.scrollTo({ top: 0 }));
    await messageRow(reader.page, 'history message 1.').waitFor();
    await reader.page.locator('#history-start').waitFor();
    const texts = await reader.page.locator('#message-list li .text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 60 }, (_, i) => `history message ${i + 1}.`));
    expect(await reader.page.locator('#load-older').isHidden()).toBe(true);
  });

  it('changes the password and ends the other sessions of the user with the reason', async () => {
    const here = await person('Paula');
    const elsewhere = await browser.newContext();
    contexts.push(elsewhere);
    const { page: other } = await openPage(elsewhere, server.url);
    await loginInUi(other, here.username);
    await waitForChat(other);

    const { page } = here;
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#current-password').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('current-password');
    await page.locator('#current-password').fill('not my password at all');
    await page.locator('#new-password').fill('a brand new passphrase');
    await page.locator('#password-form button[type="submit"]').click();
    await page.locator('#password-error', { hasText: 'Your current password is wrong.' }).waitFor();
    await page.locator('#current-password').fill(STRONG_PASSWORD);
    await page.locator('#new-password').fill('short');
    await page.locator('#password-form button[type="submit"]').click();
    await page
      .locator('#password-error', { hasText: 'New password must be at least 12 characters' })
      .waitFor();
    await page.locator('#new-password').fill('a brand new passphrase');
    await page.locator('#password-form button[type="submit"]').click();
    await page.locator('#password-dialog').waitFor({ state: 'hidden' });

    await waitForLoginForm(other);
    await other
      .locator('#auth-notice', { hasText: 'Your password was changed in another session' })
      .waitFor();
    await loginInUi(other, here.username, 'a brand new passphrase');
    await waitForChat(other);
    // The changing tab got a new session id: its socket reconnected with the new cookie by itself.
    await page.locator('#connection[data-state="connected"]').waitFor();
    await sendInUi(page, 'Still here after the change');
    await messageRow(page, 'Still here after the change').waitFor();
    await messageRow(other, 'Still here after the change').waitFor();
  });

  it('is usable on a 360 px wide phone screen', async () => {
    const phone = await person('Mia', { width: 360, height: 740 });
    await phone.page.locator('#room-title', { hasText: '# general' }).waitFor();
    await sendInUi(phone.page, 'Typed on a phone');
    await messageRow(phone.page, 'Typed on a phone').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(phone.page, 'screenshot-phone.png');
    for (const selector of ['#composer-text', '#composer button[type="submit"]', '#logout', '#room-list']) {
      const box = await phone.page.locator(selector).boundingBox();
      const right = box ? box.x + box.width : Infinity;
      const bottom = box ? box.y + box.height : Infinity;
      expect({ selector, fits: right <= 360 && bottom <= 740 }).toEqual({ selector, fits: true });
    }
  });
});
