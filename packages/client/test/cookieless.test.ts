import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENERAL_ROOM_ID,
  TetherClient,
  type ConnectionState,
  type Message,
  type SessionEnd,
} from '../src/index.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

/** A token lives this long here, so renewal and expiry happen within a test. */
const TOKEN_TTL_SEC = 3;

describe('TetherClient without cookies on the socket', () => {
  let server: TestServer;
  const clients: TetherClient[] = [];

  beforeAll(async () => {
    server = await startServer({ TOKEN_TTL: String(TOKEN_TTL_SEC) });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  async function loggedIn(options: ConstructorParameters<typeof TetherClient>[0] = {}) {
    const client = new TetherClient({ baseUrl: server.url, ...options });
    clients.push(client);
    const username = uniqueName();
    await client.register({ username, password: PASSWORD });
    await client.login(username, PASSWORD);
    return client;
  }

  const states = (client: TetherClient) => {
    const seen: ConnectionState[] = [];
    client.on('state', (s) => seen.push(s));
    return seen;
  };

  it('connects with a one-time ticket, and with a new one for every reconnect', async () => {
    const bot = await loggedIn({ auth: 'ticket' });
    await bot.join(GENERAL_ROOM_ID);
    for (let drop = 0; drop < 2; drop += 1) {
      const back = waitFor(
        (l) => bot.on('state', l),
        (s) => s === 'connected',
      );
      // The network drops: a reused ticket would be refused TICKET_INVALID and end the client.
      bot.socket!.io.engine.close();
      await back;
    }
    await expect(bot.send(GENERAL_ROOM_ID, 'after two reconnects')).resolves.toMatchObject({
      text: 'after two reconnects',
    });
  });

  it('connects with an access token minted from the session and renews it before it expires', async () => {
    const bot = await loggedIn({ auth: 'token' });
    await bot.join(GENERAL_ROOM_ID);
    const seen = states(bot);
    const ended: SessionEnd[] = [];
    bot.on('session:ended', (e) => ended.push(e));
    // Two renewals take the socket past its first token's expiry without it ever ending.
    let renewals = 0;
    await waitFor(
      (l) => bot.on('state', l),
      (s) => s === 'connected' && ++renewals === 2,
      TOKEN_TTL_SEC * 1000 * 3,
    );
    expect(seen).toEqual(['reconnecting', 'connected', 'reconnecting', 'connected']);
    await expect(bot.send(GENERAL_ROOM_ID, 'on a renewed token')).resolves.toMatchObject({
      text: 'on a renewed token',
    });
    expect(ended).toEqual([]);
  });

  it('works with nothing but a given token: bearer over HTTP, auth on the socket, one session:ended at its expiry', async () => {
    const owner = await loggedIn();
    const { accessToken } = await owner.request('token');
    const bot = new TetherClient({ baseUrl: server.url, auth: 'token', token: accessToken });
    clients.push(bot);
    await expect(bot.me()).resolves.toMatchObject({ id: (await owner.me()).id });
    await bot.join(GENERAL_ROOM_ID);
    const seen: Message[] = [];
    owner.on('message', (m) => seen.push(m));
    await owner.join(GENERAL_ROOM_ID);
    const arrived = waitFor<Message>(
      (l) => owner.on('message', l),
      (m) => m.text === 'from a token bot',
    );
    await bot.send(GENERAL_ROOM_ID, 'from a token bot');
    await arrived;
    const ended = await waitFor<SessionEnd>(
      (l) => bot.on('session:ended', l),
      () => true,
      TOKEN_TTL_SEC * 1000 * 3,
    );
    expect(ended).toEqual({ reason: 'expired' });
    expect(bot.socket?.active).toBe(false);
  });
});
