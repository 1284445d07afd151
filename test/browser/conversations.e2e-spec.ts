import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Room } from '../../src/protocol/models.js';
import { loggedInAgent, startApp, uniqueName, type TestApp } from '../helpers/app.js';
import { ack, chatClient, connected, type ChatClient } from '../helpers/sockets.js';
import {
  describeBrowser,
  launchBrowser,
  loginInUi,
  messageRow,
  openPage,
  registerInUi,
  screenshot,
  sendInUi,
  unexpected,
  waitForChat,
  type WatchedPage,
} from './browser.js';

interface Person extends WatchedPage {
  context: BrowserContext;
  username: string;
  displayName: string;
}

/** The page asks `/auth/me` before anyone logs in. */
const EXPECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of 401/];

const roomButton = (page: Page, roomId: string) =>
  page.locator(`button.room-button[data-room-id="${roomId}"]`);

describeBrowser('Conversations in the browser', () => {
  let server: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: ChatClient[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startApp();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function device(): Promise<WatchedPage & { context: BrowserContext }> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 720 },
      colorScheme: 'light',
    });
    contexts.push(context);
    return { ...(await openPage(context, server.url)), context };
  }

  async function person(displayName: string): Promise<Person> {
    const watched = await device();
    const username = uniqueName(displayName.toLowerCase());
    await registerInUi(watched.page, username, displayName);
    await waitForChat(watched.page);
    return { ...watched, username, displayName };
  }

  /** Someone outside the browser, with a socket, to write what the browser reads. */
  async function writer() {
    const agent = await loggedInAgent(server.url, uniqueName('writer'));
    const socket = chatClient(server.url, { cookie: agent.cookie });
    sockets.push(socket);
    await connected(socket);
    return { ...agent, socket };
  }

  it('shows an invitation to a private room at once, without a refresh', async () => {
    const invitee = await person('Ivy');
    const owner = await writer();
    const room = (
      await owner.agent.post('/rooms').send({ name: 'secret plans', visibility: 'private' }).expect(201)
    ).body.room as Room;
    await owner.agent.post(`/rooms/${room.id}/members`).send({ username: invitee.username }).expect(204);

    await roomButton(invitee.page, room.id).waitFor();
    await roomButton(invitee.page, room.id).click();
    await invitee.page.locator('#room-title', { hasText: '# secret plans' }).waitFor();
    await invitee.page.locator('#member-list li', { hasText: 'Ivy (you)' }).waitFor();
    expect(unexpected(invitee.problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
  });

  it('holds a direct conversation between two browsers', async () => {
    const [alice, bob] = [await person('Alice'), await person('Bob')];
    await alice.page.locator('#dm-username').fill(bob.username);
    await alice.page.locator('#dm-form button[type="submit"]').click();
    await alice.page.locator('#room-title', { hasText: '@ Bob' }).waitFor();
    expect(await alice.page.locator('#room-meta').textContent()).toContain('Direct conversation');

    // Bob's list gains the conversation live, and its messages arrive though he is elsewhere.
    const bobsEntry = bob.page.locator('#direct-list button', { hasText: '@ Alice' });
    await bobsEntry.waitFor();
    await sendInUi(alice.page, 'Hi Bob, just us here');
    await messageRow(alice.page, 'Hi Bob, just us here').waitFor();
    await bobsEntry.locator('.badge', { hasText: '1 new' }).waitFor();
    expect(await bob.page.title()).toMatch(/^\(1\) /);

    await bobsEntry.click();
    await messageRow(bob.page, 'Hi Bob, just us here').waitFor();
    await bobsEntry.locator('.badge').waitFor({ state: 'detached' });
    await sendInUi(bob.page, 'Hi Alice!');
    await messageRow(alice.page, 'Hi Alice!').waitFor();
    await screenshot(bob.page, 'screenshot-conversations.png');
    for (const p of [alice, bob]) expect(unexpected(p.problems, EXPECTED_HTTP_ERRORS)).toEqual([]);
  });

  it('keeps an unread badge across a reload and clears it when another device reads the room', async () => {
    const reader = await person('Rita');
    const author = await writer();
    const room = (await author.agent.post('/rooms').send({ name: 'news', visibility: 'public' }).expect(201))
      .body.room as Room;
    await ack(author.socket, 'room:join', { roomId: room.id });
    const post = async (text: string) =>
      expect(
        (await ack(author.socket, 'message:send', { roomId: room.id, text, clientMsgId: uniqueName('b') }))
          .ok,
      ).toBe(true);
    // Read up to here: the rest is news.
    await post('zero');
    await roomButton(reader.page, room.id).click();
    await messageRow(reader.page, 'zero').waitFor();
    await roomButton(reader.page, 'general').click();
    await reader.page.locator('#room-title', { hasText: '# general' }).waitFor();
    for (const text of ['one', 'two', `three for @${reader.username}`]) await post(text);

    await reader.page.reload();
    await waitForChat(reader.page);
    const badge = roomButton(reader.page, room.id).locator('.badge', { hasText: '3 new' });
    await badge.waitFor();
    await roomButton(reader.page, room.id).locator('.badge.mention', { hasText: '@1' }).waitFor();

    // The same user on a second device opens the room and reads it; the first device's badge goes.
    const phone = await device();
    await loginInUi(phone.page, reader.username);
    await waitForChat(phone.page);
    await roomButton(phone.page, room.id).click();
    await messageRow(phone.page, 'three for').waitFor();
    // The divider sits where the user stopped reading: just before "one".
    await phone.page.locator('#new-messages + li', { hasText: 'one' }).waitFor();
    await roomButton(reader.page, room.id).locator('.badge').first().waitFor({ state: 'detached' });
    await reader.page.reload();
    await waitForChat(reader.page);
    await roomButton(reader.page, room.id).waitFor();
    expect(await roomButton(reader.page, room.id).getAttribute('data-unread')).toBe('0');
  });

  it('opens the linked room after a reload, keeps a draft per room, and offers to jump to the latest', async () => {
    const me = await person('Dana');
    const author = await writer();
    const room = (
      await author.agent.post('/rooms').send({ name: 'linked', visibility: 'public' }).expect(201)
    ).body.room as Room;
    await roomButton(me.page, room.id).click();
    await me.page.locator('#room-title', { hasText: '# linked' }).waitFor();
    expect(new URL(me.page.url()).hash).toBe(`#/rooms/${room.id}`);
    await me.page.locator('#composer-text').fill('half a thought');

    await me.page.reload();
    await waitForChat(me.page);
    await me.page.locator('#room-title', { hasText: '# linked' }).waitFor();
    expect(await me.page.locator('#composer-text').inputValue()).toBe('half a thought');
    await roomButton(me.page, 'general').click();
    await me.page.locator('#room-title', { hasText: '# general' }).waitFor();
    expect(await me.page.locator('#composer-text').inputValue()).toBe('');

    // Scrolled up in a long room, the jump button brings the newest message back.
    await roomButton(me.page, room.id).click();
    await ack(author.socket, 'room:join', { roomId: room.id });
    for (let i = 0; i < 25; i++) {
      await ack(author.socket, 'message:send', {
        roomId: room.id,
        text: `line ${i}\n${'filler '.repeat(20)}`,
        clientMsgId: uniqueName('j'),
      });
    }
    await messageRow(me.page, 'line 24').waitFor();
    await me.page.locator('#message-scroller').evaluate((el) => el.scrollTo({ top: 0 }));
    await me.page.locator('#jump-latest').waitFor();
    await me.page.locator('#jump-latest').click();
    await me.page.locator('#jump-latest').waitFor({ state: 'hidden' });
  });
});
