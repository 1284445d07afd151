import { randomUUID } from 'node:crypto';
import { BEFORE_FIRST_MESSAGE } from '../../src/protocol/limits.js';
import { ReactionLimitError, type MessageChangeStore } from '../../src/rooms/message-changes.js';
import type { MessageStore } from '../../src/rooms/message-store.js';
import type { RoomStore } from '../../src/rooms/room-store.js';
import type { User } from '../../src/users/user-store.js';

const TOP = '9999999999999999';

/** Behaviour every `MessageChangeStore` shows, over the message and room stores of the same database. */
export function describeMessageChangesContract(
  implementation: string,
  make: () => Promise<{ changes: MessageChangeStore; messages: MessageStore; rooms: RoomStore }>,
) {
  describe(`MessageChangeStore contract: ${implementation}`, () => {
    let changes: MessageChangeStore;
    let messages: MessageStore;
    let rooms: RoomStore;
    const author: User = { id: randomUUID(), username: 'author', displayName: 'Author' };
    const other: User = { id: randomUUID(), username: 'other', displayName: 'Other' };

    beforeAll(async () => {
      ({ changes, messages, rooms } = await make());
    });

    const newRoom = async () =>
      (await rooms.create({ name: 'r', visibility: 'public', ownerId: author.id })).id;
    const send = async (roomId: string, text: string) =>
      (await messages.append({ roomId, author, text, clientMsgId: randomUUID() })).message;

    it('gives a new message its id as rev and makes it the room head', async () => {
      const roomId = await newRoom();
      expect(await changes.head(roomId)).toBe(BEFORE_FIRST_MESSAGE);
      const message = await send(roomId, 'hi');
      expect(message.rev).toBe(message.id);
      expect(await changes.head(roomId)).toBe(message.id);
    });

    it('edits the text with editedAt under a rev above every id and rev before it', async () => {
      const roomId = await newRoom();
      const first = await send(roomId, 'one');
      const second = await send(roomId, 'two');
      const at = new Date('2030-01-02T03:04:05.000Z');
      const edit = await changes.edit(roomId, first.id, 'uno', at);
      expect(edit).toEqual({
        message: { ...first, text: 'uno', editedAt: at.toISOString(), rev: expect.any(String) },
        changed: true,
      });
      expect(edit!.message.rev > second.id).toBe(true);
      expect(await changes.head(roomId)).toBe(edit!.message.rev);
      expect((await messages.list(roomId, { limit: 10 }))[0]).toEqual(edit!.message);
      const third = await send(roomId, 'three');
      expect(third.id > edit!.message.rev).toBe(true);
    });

    it('changes nothing for the same text again, and refuses another room, a missing id and a tombstone', async () => {
      const roomId = await newRoom();
      const message = await send(roomId, 'same');
      expect(await changes.edit(roomId, message.id, 'same', new Date())).toEqual({ message, changed: false });
      expect(await changes.edit(await newRoom(), message.id, 'x', new Date())).toBeNull();
      expect(await changes.edit(roomId, '0000000999999999', 'x', new Date())).toBeNull();
      await changes.remove(roomId, message.id);
      expect(await changes.edit(roomId, message.id, 'x', new Date())).toBeNull();
    });

    it('makes a deleted message a tombstone without text or reactions, once', async () => {
      const roomId = await newRoom();
      const message = await send(roomId, 'secret');
      await changes.react(roomId, message.id, '👍', other, 20);
      const removed = await changes.remove(roomId, message.id);
      expect(removed).toEqual({
        message: { ...message, text: '', deleted: true, rev: expect.any(String) },
        changed: true,
      });
      expect(await changes.remove(roomId, message.id)).toEqual({ message: removed!.message, changed: false });
      expect(await changes.find(roomId, message.id)).toEqual(removed!.message);
      expect(await changes.react(roomId, message.id, '👍', other, 20)).toBeNull();
    });

    it('counts a reaction once per user and emoji, names who, and takes it back', async () => {
      const roomId = await newRoom();
      const message = await send(roomId, 'react to me');
      await changes.react(roomId, message.id, '👍', author, 20);
      const again = await changes.react(roomId, message.id, '👍', author, 20);
      expect(again!.changed).toBe(false);
      await changes.react(roomId, message.id, '🎉', other, 20);
      const both = await changes.react(roomId, message.id, '👍', other, 20);
      expect(both!.message.reactions).toEqual([
        { emoji: '👍', count: 2, users: [author, other] },
        { emoji: '🎉', count: 1, users: [other] },
      ]);
      const back = await changes.unreact(roomId, message.id, '👍', author.id);
      // Emoji are ordered by their earliest standing reaction: other's 👍 came after its 🎉.
      expect(back!.message.reactions).toEqual([
        { emoji: '🎉', count: 1, users: [other] },
        { emoji: '👍', count: 1, users: [other] },
      ]);
      expect((await changes.unreact(roomId, message.id, '👍', author.id))!.changed).toBe(false);
      await changes.unreact(roomId, message.id, '👍', other.id);
      const last = await changes.unreact(roomId, message.id, '🎉', other.id);
      expect(last!.message.reactions).toBeUndefined();
    });

    it('stores exactly one of many concurrent identical reactions', async () => {
      const roomId = await newRoom();
      const message = await send(roomId, 'race');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => changes.react(roomId, message.id, '🔥', other, 20)),
      );
      expect(results.filter((r) => r!.changed)).toHaveLength(1);
      expect((await changes.find(roomId, message.id))!.reactions).toEqual([
        { emoji: '🔥', count: 1, users: [other] },
      ]);
    });

    it('refuses a distinct emoji past the cap but still counts more users on a known one', async () => {
      const roomId = await newRoom();
      const message = await send(roomId, 'capped');
      await changes.react(roomId, message.id, '👍', author, 2);
      await changes.react(roomId, message.id, '👎', author, 2);
      await expect(changes.react(roomId, message.id, '🎉', author, 2)).rejects.toBeInstanceOf(
        ReactionLimitError,
      );
      expect((await changes.react(roomId, message.id, '👍', other, 2))!.message.reactions?.[0].count).toBe(2);
    });

    it('lists every creation and change since a position once, in rev order, bounded by upTo', async () => {
      const roomId = await newRoom();
      const a = await send(roomId, 'a');
      const b = await send(roomId, 'b');
      const position = await changes.head(roomId);
      const c = await send(roomId, 'c');
      await changes.edit(roomId, a.id, 'a2', new Date());
      await changes.react(roomId, c.id, '👍', other, 20);
      const deleted = (await changes.remove(roomId, a.id))!.message;
      const since = await changes.changesSince(roomId, position, TOP, 100);
      expect(since.map((m) => m.id)).toEqual([c.id, a.id]);
      expect(since[1]).toEqual(deleted);
      expect(since.map((m) => m.rev)).toEqual(since.map((m) => m.rev).sort());
      expect((await changes.changesSince(roomId, BEFORE_FIRST_MESSAGE, TOP, 100)).map((m) => m.id)).toEqual([
        b.id,
        c.id,
        a.id,
      ]);
      expect(await changes.changesSince(roomId, BEFORE_FIRST_MESSAGE, b.id, 100)).toEqual([{ ...b }]);
      expect(await changes.changesSince(roomId, position, TOP, 1)).toHaveLength(1);
      expect(await changes.changesSince(roomId, await changes.head(roomId), TOP, 100)).toEqual([]);
    });

    it('gives revs in commit order under concurrent changes: a reader following the head misses none', async () => {
      const roomId = await newRoom();
      const targets = await Promise.all(Array.from({ length: 4 }, (_, i) => send(roomId, `t${i}`)));
      let position = await changes.head(roomId);
      const seen = new Map<string, string>();
      let writing = true;
      const read = async () => {
        const head = await changes.head(roomId);
        for (const m of await changes.changesSince(roomId, position, head, 1000)) seen.set(m.id, m.rev);
        position = head;
      };
      const reader = (async () => {
        while (writing) await read();
        await read();
      })();
      await Promise.all(
        targets.map(async (target, w) => {
          for (let i = 0; i < 8; i++) {
            await changes.edit(roomId, target.id, `w${w} e${i}`, new Date());
            await send(roomId, `w${w} m${i}`);
          }
        }),
      );
      writing = false;
      await reader;
      const stored = await changes.changesSince(roomId, BEFORE_FIRST_MESSAGE, TOP, 1000);
      for (const m of stored) expect(seen.get(m.id) ?? m.rev).toBe(m.rev);
      expect(stored.filter((m) => !seen.has(m.id)).map((m) => m.text)).toEqual([]);
    });
  });
}
