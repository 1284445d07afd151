import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TetherClient, type Message, type MessageDeletedEvent, type RoomUpdate } from '../src/index.js';
import { PASSWORD, startServer, uniqueName, waitFor, type TestServer } from './server.js';

/**
 * Catch-up by position: a client that was away while messages were edited, reacted to and
 * deleted learns of each change once when it comes back, and of nothing it already had.
 */
describe.each(['websocket', 'polling'] as const)(
  'TetherClient catching up on changes over %s',
  (transport) => {
    let server: TestServer;
    const clients: TetherClient[] = [];

    beforeAll(async () => {
      server = await startServer({ MESSAGE_RATE_LIMIT: '100000' });
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await server?.close();
    });

    async function loggedIn(): Promise<TetherClient> {
      const client = new TetherClient({
        baseUrl: server.url,
        socket: { transports: [transport], reconnectionDelay: 100, reconnectionDelayMax: 500 },
      });
      clients.push(client);
      const username = uniqueName();
      await client.register({ username, password: PASSWORD });
      await client.login(username, PASSWORD);
      return client;
    }

    it('hands every edit, reaction and deletion made while it was away over once, then new messages', async () => {
      const [author, watcher] = await Promise.all([loggedIn(), loggedIn()]);
      const { room } = await author.request('createRoom', { body: { name: 'away', visibility: 'public' } });
      await author.join(room.id);
      const kept = await author.send(room.id, 'kept');
      const edited = await author.send(room.id, 'to edit');
      const removed = await author.send(room.id, 'to delete');
      await watcher.join(room.id);

      const updates: Message[] = [];
      const deletions: MessageDeletedEvent[] = [];
      const fresh: Message[] = [];
      watcher.on('update', (m) => updates.push(m));
      watcher.on('delete', (e) => deletions.push(e));
      watcher.on('message', (m) => fresh.push(m));

      // Away: no reconnection until the changes are made.
      const socket = watcher.socket!;
      socket.io.reconnection(false);
      const down = waitFor<string>(
        (l) => watcher.on('state', l),
        (s) => s === 'reconnecting',
      );
      socket.io.engine.close();
      await down;

      await author.edit(room.id, edited.id, 'edited once');
      await author.react(room.id, kept.id, '🎉');
      await author.edit(room.id, edited.id, 'edited twice');
      await author.deleteMessage(room.id, removed.id);
      const later = await author.send(room.id, 'sent while away');

      const rejoined = waitFor<RoomUpdate>(
        (l) => watcher.on('room', l),
        (u) => u.roomId === room.id,
        20_000,
      );
      socket.io.reconnection(true);
      socket.connect();
      await rejoined;

      expect(updates.map((m) => [m.id, m.text, m.reactions?.map((r) => r.emoji)])).toEqual([
        [kept.id, 'kept', ['🎉']],
        [edited.id, 'edited twice', undefined],
      ]);
      expect(deletions).toEqual([{ roomId: room.id, messageId: removed.id, rev: expect.any(String) }]);
      expect(fresh.map((m) => m.id)).toEqual([later.id]);

      // Live from now on, and nothing of the above again.
      const live = waitFor<Message>(
        (l) => watcher.on('update', l),
        (m) => m.id === later.id,
      );
      await author.edit(room.id, later.id, 'edited live');
      expect((await live).text).toBe('edited live');
      expect(updates).toHaveLength(3);
      expect(deletions).toHaveLength(1);
    });
  },
);
