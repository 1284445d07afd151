import { randomUUID } from 'node:crypto';
import type { MessageChangeStore } from '../../src/rooms/message-changes.js';
import type { MessageSearch } from '../../src/rooms/message-search.js';
import type { MessageStore } from '../../src/rooms/message-store.js';
import type { RoomStore } from '../../src/rooms/room-store.js';
import { parseSearchQuery } from '../../src/rooms/search-query.js';
import type { User } from '../../src/users/user-store.js';

/** Behaviour every `MessageSearch` shows, over the other stores of the same database. */
export function describeMessageSearchContract(
  implementation: string,
  make: () => Promise<{
    search: MessageSearch;
    changes: MessageChangeStore;
    messages: MessageStore;
    rooms: RoomStore;
  }>,
) {
  describe(`MessageSearch contract: ${implementation}`, () => {
    let stores: Awaited<ReturnType<typeof make>>;
    const owner: User = { id: randomUUID(), username: 'owner', displayName: 'Owner' };
    const outsider: User = { id: randomUUID(), username: 'outsider', displayName: 'Outsider' };
    const word = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;

    beforeAll(async () => {
      stores = await make();
    });

    const room = async (visibility: 'public' | 'private') =>
      (await stores.rooms.create({ name: 'r', visibility, ownerId: owner.id })).id;
    const send = async (roomId: string, text: string) =>
      (await stores.messages.append({ roomId, author: owner, text, clientMsgId: randomUUID() })).message;
    const find = async (query: string, userId: string, extra: { roomId?: string; before?: string } = {}) =>
      (
        await stores.search.search({
          phrases: parseSearchQuery(query),
          userId,
          limit: 50,
          offset: 0,
          ...extra,
        })
      ).map((m) => m.text);

    it('finds the words in public rooms for anyone, and in private rooms only for members', async () => {
      const key = word();
      await send(await room('public'), `open ${key}`);
      await send(await room('private'), `closed ${key}`);
      expect((await find(key, owner.id)).sort()).toEqual([`closed ${key}`, `open ${key}`]);
      expect(await find(key, outsider.id)).toEqual([`open ${key}`]);
    });

    it('requires every word and phrase, and reads operators as plain words', async () => {
      const key = word();
      const roomId = await room('public');
      await send(roomId, `${key} alpha beta`);
      await send(roomId, `${key} beta alpha`);
      await send(roomId, `${key} alpha`);
      expect((await find(`${key} beta`, owner.id)).sort()).toEqual([
        `${key} alpha beta`,
        `${key} beta alpha`,
      ]);
      expect(await find(`${key} "alpha beta"`, owner.id)).toEqual([`${key} alpha beta`]);
      expect(await find(`${key} OR nothinglikethis`, owner.id)).toEqual([]);
      expect(await find(`${key} NOT alpha`, owner.id)).toEqual([]);
      expect((await find(`${key}* -alpha (beta`, owner.id)).sort()).toEqual([
        `${key} alpha beta`,
        `${key} beta alpha`,
      ]);
    });

    it('follows edits and never finds a deleted message', async () => {
      const key = word();
      const roomId = await room('public');
      const message = await send(roomId, `before ${key}`);
      const fresh = word();
      await stores.changes.edit(roomId, message.id, `after ${fresh}`, new Date());
      expect(await find(key, owner.id)).toEqual([]);
      expect(await find(fresh, owner.id)).toEqual([`after ${fresh}`]);
      await stores.changes.remove(roomId, message.id);
      expect(await find(fresh, owner.id)).toEqual([]);
    });

    it('ranks the better match first, narrows to a room and to older messages, and pages', async () => {
      const key = word();
      const roomId = await room('public');
      const elsewhere = await room('public');
      const weak = await send(
        roomId,
        `${key} and a great many other words that dilute it quite a lot really`,
      );
      await send(roomId, `${key} ${key} ${key}`);
      await send(elsewhere, `${key} elsewhere`);
      expect((await find(key, owner.id, { roomId }))[0]).toBe(`${key} ${key} ${key}`);
      expect(await find(key, owner.id, { roomId, before: weak.id })).toEqual([]);
      expect(await find(key, owner.id, { roomId: elsewhere })).toEqual([`${key} elsewhere`]);
      const page = (offset: number) =>
        stores.search.search({ phrases: [[key]], userId: owner.id, limit: 2, offset });
      const first = await page(0);
      const second = await page(2);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect(new Set([...first, ...second].map((m) => m.id)).size).toBe(3);
    });
  });
}
