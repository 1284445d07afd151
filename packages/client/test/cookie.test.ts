import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENERAL_ROOM_ID,
  PROTOCOL_VERSION,
  TetherClient,
  TetherError,
  type Message,
  type PresenceEvent,
  type SessionEnd,
} from '../src/index.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

describe('TetherClient with the session cookie', () => {
  let server: TestServer;
  const clients: TetherClient[] = [];

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  async function loggedIn(username = uniqueName()): Promise<TetherClient> {
    const client = new TetherClient({ baseUrl: server.url });
    clients.push(client);
    await client.register({ username, password: PASSWORD });
    await client.login(username, PASSWORD);
    return client;
  }

  it('registers, logs in and reads who it is, keeping the cookie itself outside a browser', async () => {
    const username = uniqueName('alice');
    const client = await loggedIn(username);
    await expect(client.me()).resolves.toMatchObject({ username, displayName: username });
    await expect(client.request('protocol')).resolves.toMatchObject({ version: PROTOCOL_VERSION });
  });

  it('answers a refused call with the server error, typed', async () => {
    const client = new TetherClient({ baseUrl: server.url });
    clients.push(client);
    const error = await client.register({ username: 'x', password: 'short' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TetherError);
    expect((error as TetherError).code).toBe('VALIDATION');
    expect((error as TetherError).fieldErrors.map((f) => f.field).sort()).toEqual(['password', 'username']);
    await expect(client.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('sends and receives in a joined room, each message once', async () => {
    const [alice, bob] = await Promise.all([loggedIn(), loggedIn()]);
    await Promise.all([alice.join(GENERAL_ROOM_ID), bob.join(GENERAL_ROOM_ID)]);
    const received: Message[] = [];
    bob.on('message', (m) => received.push(m));
    const text = `hello ${uniqueName('m')}`;
    const arrived = waitFor<Message>(
      (l) => bob.on('message', l),
      (m) => m.text === text,
    );
    const sent = await alice.send(GENERAL_ROOM_ID, text);
    expect(sent).toMatchObject({ roomId: GENERAL_ROOM_ID, text });
    expect(await arrived).toEqual(sent);
    // A later message is a barrier: a duplicate of the first would have come before it.
    const barrier = waitFor<Message>(
      (l) => bob.on('message', l),
      (m) => m.text === 'barrier',
    );
    await alice.send(GENERAL_ROOM_ID, 'barrier');
    await barrier;
    expect(received.filter((m) => m.text === text)).toHaveLength(1);
  });

  it('emits any client event typed by the event map, and hands on the server events', async () => {
    const [alice, bob] = await Promise.all([loggedIn(), loggedIn()]);
    await alice.join(GENERAL_ROOM_ID);
    const bobOnline = waitFor<PresenceEvent>(
      (l) => alice.on('presence', l),
      (e) => e.status === 'online' && e.roomId === GENERAL_ROOM_ID,
    );
    await bob.join(GENERAL_ROOM_ID);
    expect((await bobOnline).user.id).toBe((await bob.me()).id);
    const { online } = await alice.emit('presence:list', { roomId: GENERAL_ROOM_ID });
    expect(online.map((u) => u.id)).toContain((await bob.me()).id);
    await expect(alice.emit('messages:fetch', { roomId: 'not-joined' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('joins with {after} to catch up from a message it already had', async () => {
    const alice = await loggedIn();
    const { room } = await alice.request('createRoom', { body: { name: 'catch-up', visibility: 'public' } });
    await alice.join(room.id);
    const first = await alice.send(room.id, 'one');
    await alice.send(room.id, 'two');
    await alice.send(room.id, 'three');
    const bob = await loggedIn();
    const { messages } = await bob.join(room.id, { after: first.id });
    expect(messages.map((m) => m.text)).toEqual(['two', 'three']);
  });

  it('opens one socket however many calls connect at once', async () => {
    const alice = await loggedIn();
    // Each socket the client opens starts with one GET /protocol: count them on the real fetch.
    const realFetch = globalThis.fetch;
    let opened = 0;
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/protocol')) opened += 1;
      return realFetch(input, init);
    };
    try {
      await Promise.all([alice.connect(), alice.join(GENERAL_ROOM_ID), alice.connect()]);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(opened).toBe(1);
    expect(alice.socket?.connected).toBe(true);
  });

  it('holds a message sent while its room is still being joined until the join is done', async () => {
    const alice = await loggedIn();
    const { room } = await alice.request('createRoom', { body: { name: 'eager', visibility: 'public' } });
    const joining = alice.join(room.id);
    const sending = alice.send(room.id, 'before the join finished');
    await joining;
    await expect(sending).resolves.toMatchObject({ roomId: room.id, text: 'before the join finished' });
  });

  it('ends with one session:ended on logout and never reconnects', async () => {
    const alice = await loggedIn();
    await alice.join(GENERAL_ROOM_ID);
    const ends: SessionEnd[] = [];
    alice.on('session:ended', (end) => ends.push(end));
    const ended = waitFor(
      (l) => alice.on('state', l),
      (s) => s === 'ended',
    );
    await alice.logout();
    await ended;
    expect(ends).toEqual([{ reason: 'logout' }]);
    expect(alice.socket?.active).toBe(false);
    await expect(alice.send(GENERAL_ROOM_ID, 'too late')).rejects.toMatchObject({ code: 'ENDED' });
    await expect(alice.connect()).rejects.toMatchObject({ code: 'ENDED' });
  });

  it('ends the other sessions of a user with password_changed, not the one that changed it', async () => {
    const username = uniqueName();
    const phone = await loggedIn(username);
    const laptop = new TetherClient({ baseUrl: server.url });
    clients.push(laptop);
    await laptop.login(username, PASSWORD);
    await Promise.all([phone.connect(), laptop.connect()]);
    const ended = waitFor<SessionEnd>((l) => phone.on('session:ended', l));
    await laptop.changePassword(PASSWORD, `${PASSWORD} again`);
    expect(await ended).toEqual({ reason: 'password_changed' });
    expect(laptop.state).toBe('connected');
    await expect(laptop.join(GENERAL_ROOM_ID)).resolves.toMatchObject({ room: { id: GENERAL_ROOM_ID } });
  });

  it('fails connect when the handshake is refused, with the code, as one session:ended', async () => {
    const stranger = new TetherClient({ baseUrl: server.url });
    clients.push(stranger);
    const ended = waitFor<SessionEnd>((l) => stranger.on('session:ended', l));
    await expect(stranger.connect()).rejects.toMatchObject({ code: 'ENDED' });
    expect(await ended).toEqual({ reason: 'refused', code: 'UNAUTHENTICATED' });
  });
});
