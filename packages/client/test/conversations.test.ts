import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TetherClient, type RoomUpdate } from '../src/index.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

describe('TetherClient conversations', () => {
  let server: TestServer;
  const clients: TetherClient[] = [];

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  /** A connected client of `username`, registered first unless this is another device of theirs. */
  async function loggedIn(username = uniqueName(), newUser = true): Promise<TetherClient> {
    const client = new TetherClient({ baseUrl: server.url });
    clients.push(client);
    if (newUser) await client.register({ username, password: PASSWORD });
    await client.login(username, PASSWORD);
    await client.connect();
    return client;
  }

  it('opens a direct room, moves the read marker, and hears both on the other side', async () => {
    const bobName = uniqueName('bob');
    const [alice, bob] = [await loggedIn(), await loggedIn(bobName)];
    const added = waitFor<{ room: { id: string } }>((l) => bob.on('room:added', l));
    const room = await alice.openDirect(bobName);
    expect(room).toMatchObject({ visibility: 'direct', peer: { username: bobName } });
    expect((await added).room.id).toBe(room.id);

    await alice.join(room.id);
    const message = await alice.send(room.id, 'hello');
    const bobElsewhere = await loggedIn(bobName, false);
    const heard = waitFor<{ roomId: string; lastReadId: string }>((l) => bobElsewhere.on('room:read', l));
    await expect(bob.markRead(room.id, message.id)).resolves.toBe(message.id);
    expect(await heard).toEqual({ roomId: room.id, lastReadId: message.id });
  });

  it('stops re-joining a room it was removed from', async () => {
    const bobName = uniqueName('bob');
    const [owner, bob] = [await loggedIn(), await loggedIn(bobName)];
    const { room } = await owner.request('createRoom', { body: { name: 'r', visibility: 'private' } });
    await owner.request('addMember', { params: { id: room.id }, body: { username: bobName } });
    await bob.join(room.id);
    const removed = waitFor<{ roomId: string }>((l) => bob.on('room:removed', l));
    await owner.request('removeMember', { params: { id: room.id, username: bobName } });
    expect(await removed).toEqual({ roomId: room.id });

    // After a reconnect it re-joins what it still tracks: the general room, and not this one.
    await bob.join('general');
    const updates: RoomUpdate[] = [];
    bob.on('room', (update) => updates.push(update));
    const rejoined = waitFor<RoomUpdate>(
      (l) => bob.on('room', l),
      (u) => u.roomId === 'general',
    );
    bob.socket?.io.engine?.close();
    await rejoined;
    expect(updates.filter((u) => u.roomId === room.id)).toEqual([]);
  });
});
