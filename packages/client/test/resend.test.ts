import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERAL_ROOM_ID, TetherClient, type Message } from '../src/index.js';
import { CutProxy } from './cut-proxy.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

/**
 * Exactly once across a restart: a message waits while the server is down, and a message whose
 * ack was lost goes again with its clientMsgId. Polling, so the proxy can read the requests.
 */
describe('TetherClient delivery across a server restart', () => {
  let server: TestServer;
  let proxy: CutProxy & { url: string };
  const clients: TetherClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    proxy = await CutProxy.start(server.port);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy?.close();
    await server?.close();
  });

  async function loggedIn(baseUrl: string): Promise<TetherClient> {
    const client = new TetherClient({
      baseUrl,
      ackTimeoutMs: 2_000,
      socket: { transports: ['polling'], reconnectionDelay: 100, reconnectionDelayMax: 500 },
    });
    clients.push(client);
    const username = uniqueName();
    await client.register({ username, password: PASSWORD });
    await client.login(username, PASSWORD);
    await client.join(GENERAL_ROOM_ID);
    return client;
  }

  /** Everything `watcher` is handed from now on. */
  function collect(watcher: TetherClient): Message[] {
    const seen: Message[] = [];
    watcher.on('message', (m) => seen.push(m));
    return seen;
  }

  /** Resolves once `watcher` has every message `sender` sent before: a later one is a barrier. */
  async function caughtUp(watcher: TetherClient, sender: TetherClient): Promise<void> {
    const barrier = `barrier ${uniqueName()}`;
    const arrived = waitFor<Message>(
      (l) => watcher.on('message', l),
      (m) => m.text === barrier,
      20_000,
    );
    await sender.send(GENERAL_ROOM_ID, barrier);
    await arrived;
  }

  const stored = async (client: TetherClient, clientMsgId: string) =>
    (
      await client.request('roomMessages', { params: { id: GENERAL_ROOM_ID }, query: { limit: 100 } })
    ).messages.filter((m) => m.clientMsgId === clientMsgId);

  it('sends a message written while the server was down once it is back, stored once', async () => {
    const sender = await loggedIn(server.url);
    const watcher = await loggedIn(server.url);
    const seen = collect(watcher);
    const down = waitFor(
      (l) => sender.on('state', l),
      (s) => s === 'reconnecting',
    );
    await server.stop();
    await down;
    const text = `written while down ${uniqueName()}`;
    const sending = sender.send(GENERAL_ROOM_ID, text);
    await server.start();
    const message = await sending;
    await caughtUp(watcher, sender);
    expect(await stored(sender, message.clientMsgId)).toEqual([message]);
    // Live after the watcher re-joined, or in its catch-up: either way, once.
    expect(seen.filter((m) => m.text === text)).toEqual([message]);
  });

  it('resends a message whose ack was lost with the same clientMsgId, and the server keeps one', async () => {
    const sender = await loggedIn(proxy.url);
    const watcher = await loggedIn(server.url);
    const seen = collect(watcher);
    const text = `ack lost ${uniqueName()}`;
    const reachedServer = waitFor<Message>(
      (l) => watcher.on('message', l),
      (m) => m.text === text,
    );
    proxy.loseAnswersAfter('"message:send"');
    const sending = sender.send(GENERAL_ROOM_ID, text);
    // Stored (the watcher has it), but the sender never heard back: then the server restarts.
    const first = await reachedServer;
    await server.stop();
    proxy.heal();
    await server.start();
    expect(await sending).toEqual(first);
    await caughtUp(watcher, sender);
    expect(await stored(watcher, first.clientMsgId)).toEqual([first]);
    expect(seen.filter((m) => m.text === text)).toEqual([first]);
  });
});
