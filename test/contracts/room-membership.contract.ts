import { randomUUID } from 'node:crypto';
import type { RoomStore } from '../../src/rooms/room-store.js';

/**
 * Direct rooms, departures and member lists: behaviour every `RoomStore` must show. `make` returns
 * two stores on one database, as two instances would hold.
 */
export function describeRoomMembershipContract(
  implementation: string,
  make: () => Promise<[RoomStore, RoomStore]>,
) {
  describe(`RoomStore membership contract: ${implementation}`, () => {
    let store: RoomStore;
    let other: RoomStore;
    beforeAll(async () => {
      [store, other] = await make();
    });

    it('opens one direct room per pair, whichever of them opens it and however many at once', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const opened = await Promise.all([
        store.openDirect(a, b, 'a, b'),
        other.openDirect(b, a, 'b, a'),
        store.openDirect(b, a, 'b, a'),
        other.openDirect(a, b, 'a, b'),
      ]);
      expect(new Set(opened.map((o) => o.room.id)).size).toBe(1);
      expect(opened.filter((o) => o.created)).toHaveLength(1);
      const { room } = opened.find((o) => o.created)!;
      expect(room.visibility).toBe('direct');
      expect(await store.findById(room.id)).toEqual(room);
      expect(await store.directPair(room.id)).toEqual([room.ownerId, room.ownerId === a ? b : a]);
      for (const user of [a, b]) expect(await store.isMember(room.id, user)).toBe(true);
      expect(await store.isMember(room.id, randomUUID())).toBe(false);
      expect((await store.listVisibleTo(a, { limit: 100_000 })).map((r) => r.id)).toContain(room.id);
      expect((await store.listVisibleTo(randomUUID(), { limit: 100_000 })).map((r) => r.id)).not.toContain(
        room.id,
      );
      const third = await store.openDirect(a, randomUUID(), 'a, c');
      expect(third.room.id).not.toBe(room.id);
    });

    it('answers null as the pair of a room that is not direct', async () => {
      const room = await store.create({ name: 'n', visibility: 'private', ownerId: randomUUID() });
      expect(await store.directPair(room.id)).toBeNull();
    });

    it('renames, sets and clears a topic', async () => {
      const room = await store.create({ name: 'old', visibility: 'public', ownerId: randomUUID() });
      expect(await store.update(room.id, { name: 'new', topic: 'about' })).toEqual({
        ...room,
        name: 'new',
        topic: 'about',
      });
      expect(await store.update(room.id, { topic: '' })).toEqual({ ...room, name: 'new' });
      expect(await store.update(randomUUID(), { name: 'x' })).toBeNull();
    });

    it('hands an owner\u2019s room to the first member to have joined, and archives it with the last', async () => {
      const [owner, first, second] = [randomUUID(), randomUUID(), randomUUID()];
      const room = await store.create({ name: 'r', visibility: 'private', ownerId: owner }, 1);
      expect(await store.addMember(room.id, first)).toBe(true);
      expect(await store.addMember(room.id, first)).toBe(false);
      await store.addMember(room.id, second);

      expect(await store.leave(room.id, second)).toEqual({ left: true, room });
      expect(await store.leave(room.id, second)).toEqual({ left: false });
      expect(await store.leave(room.id, owner)).toEqual({ left: true, room: { ...room, ownerId: first } });
      expect(await store.isMember(room.id, owner)).toBe(false);
      // The former owner's cap of 1 no longer counts this room.
      await store.create({ name: 'next', visibility: 'private', ownerId: owner }, 1);

      expect(await store.leave(room.id, first)).toEqual({ left: true, archived: true });
      expect((await store.listVisibleTo(first, { limit: 100_000 })).map((r) => r.id)).not.toContain(room.id);
      // An archived room counts for nobody's cap.
      await store.create({ name: 'again', visibility: 'private', ownerId: first }, 1);
      expect(await store.leave(randomUUID(), first)).toEqual({ left: false });
    });

    it('removes members and pages through the rest by id', async () => {
      const owner = randomUUID();
      const room = await store.create({ name: 'r', visibility: 'private', ownerId: owner });
      const members = Array.from({ length: 5 }, () => randomUUID());
      for (const m of members) await store.addMember(room.id, m);
      expect(await store.removeMember(room.id, members[0])).toBe(true);
      expect(await store.removeMember(room.id, members[0])).toBe(false);
      expect(await store.isMember(room.id, members[0])).toBe(false);

      const walked: string[] = [];
      for (let page = await store.listMembers(room.id, { limit: 2 }); page.length > 0;) {
        expect(page.length).toBeLessThanOrEqual(2);
        walked.push(...page);
        page = await store.listMembers(room.id, { after: page[page.length - 1], limit: 2 });
      }
      expect(walked).toEqual([owner, ...members.slice(1)].sort());
    });
  });
}
