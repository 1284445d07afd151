import { randomUUID } from 'node:crypto';
import type { MessageStore } from '../../src/rooms/message-store.js';
import type { ReadStateStore } from '../../src/rooms/read-state-store.js';
import type { RoomStore } from '../../src/rooms/room-store.js';

export interface ReadStateStores {
  reads: ReadStateStore;
  messages: MessageStore;
  rooms: RoomStore;
}

/** Behaviour every `ReadStateStore` implementation must show, beside the message store it counts. */
export function describeReadStateStoreContract(implementation: string, make: () => Promise<ReadStateStores>) {
  describe(`ReadStateStore contract: ${implementation}`, () => {
    let s: ReadStateStores;
    beforeAll(async () => {
      s = await make();
    });

    const setUp = async (count: number) => {
      const author = { id: randomUUID(), username: 'author', displayName: 'Author' };
      const room = await s.rooms.create({ name: 'r', visibility: 'public', ownerId: author.id });
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        ids.push(
          (await s.messages.append({ roomId: room.id, author, text: `m${i}`, clientMsgId: randomUUID() }))
            .message.id,
        );
      }
      return { roomId: room.id, author, ids };
    };

    it('moves a marker forward only, to the newest message at or before the one named', async () => {
      const { roomId, ids } = await setUp(5);
      const reader = randomUUID();
      expect(await s.reads.stateOf(reader, [roomId], 100)).toEqual([
        { lastReadId: null, unreadCount: 5, mentionCount: 0 },
      ]);
      expect(await s.reads.markRead(reader, roomId, ids[2])).toEqual({ lastReadId: ids[2], moved: true });
      expect(await s.reads.markRead(reader, roomId, ids[2])).toEqual({ lastReadId: ids[2], moved: false });
      expect(await s.reads.markRead(reader, roomId, ids[0])).toEqual({ lastReadId: ids[2], moved: false });
      expect(await s.reads.markRead(reader, roomId, '9999999999999999')).toEqual({
        lastReadId: ids[4],
        moved: true,
      });
      expect(await s.reads.stateOf(reader, [roomId], 100)).toEqual([
        { lastReadId: ids[4], unreadCount: 0, mentionCount: 0 },
      ]);
      // Before the room's first message there is nothing to mark.
      expect(await s.reads.markRead(randomUUID(), roomId, '0000000000000000')).toEqual({
        lastReadId: null,
        moved: false,
      });
    });

    it('counts others\u2019 messages and mentions after the marker, up to the cap, per room in order', async () => {
      const { roomId, author, ids } = await setUp(6);
      const empty = await setUp(0);
      const reader = randomUUID();
      await s.reads.recordMentions(roomId, ids[1], [reader]);
      await s.reads.recordMentions(roomId, ids[4], [reader, randomUUID()]);
      await s.reads.recordMentions(roomId, ids[4], [reader]);
      expect(await s.reads.stateOf(reader, [empty.roomId, roomId], 100)).toEqual([
        { lastReadId: null, unreadCount: 0, mentionCount: 0 },
        { lastReadId: null, unreadCount: 6, mentionCount: 2 },
      ]);
      expect(await s.reads.stateOf(reader, [roomId], 3)).toEqual([
        { lastReadId: null, unreadCount: 3, mentionCount: 2 },
      ]);
      await s.reads.markRead(reader, roomId, ids[2]);
      expect(await s.reads.stateOf(reader, [roomId], 100)).toEqual([
        { lastReadId: ids[2], unreadCount: 3, mentionCount: 1 },
      ]);
      expect(await s.reads.stateOf(author.id, [roomId], 100)).toEqual([
        { lastReadId: null, unreadCount: 0, mentionCount: 0 },
      ]);
      expect(await s.reads.stateOf(reader, [], 100)).toEqual([]);
    });
  });
}
