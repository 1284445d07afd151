import { randomUUID } from 'node:crypto';
import type { MessageStore } from '../../src/rooms/message-store.js';
import type { RoomStore } from '../../src/rooms/room-store.js';
import type { User } from '../../src/users/user-store.js';

/**
 * Behaviour every `MessageStore` implementation must show. Messages reference rooms, so `make`
 * returns both stores over the same database.
 */
export function describeMessageStoreContract(
  implementation: string,
  make: () => Promise<{ messages: MessageStore; rooms: RoomStore }>,
) {
  describe(`MessageStore contract: ${implementation}`, () => {
    let messages: MessageStore;
    let rooms: RoomStore;
    const author: User = { id: randomUUID(), username: 'writer', displayName: 'The Writer' };

    beforeAll(async () => {
      ({ messages, rooms } = await make());
    });

    const newRoom = async () =>
      (await rooms.create({ name: 'r', visibility: 'public', ownerId: author.id })).id;
    const send = (roomId: string, text: string, clientMsgId: string = randomUUID(), who = author) =>
      messages.append({ roomId, author: who, text, clientMsgId });

    it('stores a message with its author snapshot and returns it', async () => {
      const roomId = await newRoom();
      const { message, created } = await send(roomId, 'hello', 'c-1');
      expect(created).toBe(true);
      expect(message).toEqual({
        id: expect.any(String),
        roomId,
        author,
        text: 'hello',
        clientMsgId: 'c-1',
        createdAt: expect.stringMatching(/Z$/),
        rev: message.id,
      });
      expect(await messages.list(roomId, { limit: 10 })).toEqual([message]);
    });

    it('gives ids that sort as strings in creation order', async () => {
      const roomId = await newRoom();
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await send(roomId, `m${i}`)).message.id);
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('returns the stored message for a repeated clientMsgId and stores it once', async () => {
      const roomId = await newRoom();
      const first = await send(roomId, 'once', 'dup');
      const again = await send(roomId, 'once (retry)', 'dup');
      expect(again).toEqual({ message: first.message, created: false });
      expect(await messages.list(roomId, { limit: 10 })).toHaveLength(1);
    });

    it('stores exactly one of many concurrent sends with the same clientMsgId', async () => {
      const roomId = await newRoom();
      const results = await Promise.all(Array.from({ length: 8 }, () => send(roomId, 'race', 'same-id')));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect(await messages.list(roomId, { limit: 10 })).toHaveLength(1);
    });

    it('scopes clientMsgId to its author', async () => {
      const roomId = await newRoom();
      const other: User = { id: randomUUID(), username: 'other', displayName: 'Other' };
      await send(roomId, 'mine', 'shared-id');
      const theirs = await send(roomId, 'theirs', 'shared-id', other);
      expect(theirs.created).toBe(true);
    });

    it('gives ids in commit order under concurrent sends: a reader paging with after misses none', async () => {
      const roomId = await newRoom();
      const writers = 4;
      const perWriter = 15;
      let writing = true;
      const seen: string[] = [];
      const read = async () => {
        const page = await messages.list(roomId, { after: seen.at(-1) ?? '0', limit: 100 });
        seen.push(...page.map((m) => m.id));
      };
      const reader = (async () => {
        while (writing) await read();
        await read();
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) await send(roomId, `w${w} m${i}`);
        }),
      );
      writing = false;
      await reader;

      const stored = (await messages.list(roomId, { limit: 100 })).map((m) => m.id);
      expect(stored).toHaveLength(writers * perWriter);
      expect([...stored].sort()).toEqual(stored);
      expect(new Set(stored).size).toBe(stored.length);
      // Had an id become visible before a smaller one committed, the reader would have skipped it.
      expect(seen).toEqual(stored);
    });

    it('stores concurrent sends to different rooms, each in its room', async () => {
      const rooms = await Promise.all([newRoom(), newRoom(), newRoom()]);
      await Promise.all(rooms.flatMap((roomId) => [send(roomId, 'a'), send(roomId, 'b'), send(roomId, 'c')]));
      for (const roomId of rooms) {
        expect((await messages.list(roomId, { limit: 10 })).map((m) => m.text).sort()).toEqual([
          'a',
          'b',
          'c',
        ]);
      }
    });

    it('pages with after and before cursors, oldest first, within one room', async () => {
      const roomId = await newRoom();
      const elsewhere = await newRoom();
      const sent: string[] = [];
      for (let i = 0; i < 10; i++) {
        sent.push((await send(roomId, `m${i}`)).message.id);
        await send(elsewhere, `noise${i}`);
      }
      const ids = async (q: Parameters<MessageStore['list']>[1]) =>
        (await messages.list(roomId, q)).map((m) => m.id);

      expect(await ids({ limit: 3 })).toEqual(sent.slice(7));
      expect(await ids({ limit: 50 })).toEqual(sent);
      expect(await ids({ after: sent[2], limit: 3 })).toEqual(sent.slice(3, 6));
      expect(await ids({ after: sent[9], limit: 3 })).toEqual([]);
      expect(await ids({ before: sent[5], limit: 3 })).toEqual(sent.slice(2, 5));
      expect(await ids({ before: sent[0], limit: 3 })).toEqual([]);
      expect(await ids({ after: sent[1], before: sent[6], limit: 50 })).toEqual(sent.slice(2, 6));
    });
  });
}
