import { randomUUID } from 'node:crypto';
import { GENERAL_ROOM_ID } from '../../src/protocol/limits.js';
import { OwnedRoomLimitError, type RoomStore } from '../../src/rooms/room-store.js';
import type { Room } from '../../src/protocol/models.js';

/** Far more than any test here creates: "all of them". */
const ALL = { limit: 100_000 };

/** Behaviour every `RoomStore` implementation must show. */
export function describeRoomStoreContract(implementation: string, make: () => Promise<RoomStore>) {
  describe(`RoomStore contract: ${implementation}`, () => {
    let store: RoomStore;
    beforeAll(async () => {
      store = await make();
    });

    it('creates a room owned by and containing its creator', async () => {
      const owner = randomUUID();
      const room = await store.create({ name: 'Project X', visibility: 'private', ownerId: owner });
      expect(room).toEqual({
        id: expect.any(String),
        name: 'Project X',
        visibility: 'private',
        ownerId: owner,
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(await store.findById(room.id)).toEqual(room);
      expect(await store.isMember(room.id, owner)).toBe(true);
      expect(await store.isMember(room.id, randomUUID())).toBe(false);
    });

    it('lists public rooms and only the private rooms one belongs to', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const open = await store.create({ name: 'open', visibility: 'public', ownerId: alice });
      const secret = await store.create({ name: 'secret', visibility: 'private', ownerId: alice });
      const ids = async (user: string) => (await store.listVisibleTo(user, ALL)).map((r) => r.id);

      expect(await ids(alice)).toEqual(expect.arrayContaining([open.id, secret.id]));
      expect(await ids(bob)).toContain(open.id);
      expect(await ids(bob)).not.toContain(secret.id);

      await store.addMember(secret.id, bob);
      await store.addMember(secret.id, bob);
      expect(await ids(bob)).toContain(secret.id);
      expect(await store.isMember(secret.id, bob)).toBe(true);
    });

    it('seeds one public general room, however often and concurrently asked', async () => {
      const rooms = await Promise.all([store.ensureGeneral(), store.ensureGeneral(), store.ensureGeneral()]);
      for (const room of rooms) expect(room).toEqual(rooms[0]);
      expect(rooms[0]).toMatchObject({ id: GENERAL_ROOM_ID, name: 'general', visibility: 'public' });
      expect(
        (await store.listVisibleTo(randomUUID(), ALL)).filter((r) => r.id === GENERAL_ROOM_ID),
      ).toHaveLength(1);
    });

    it('pages through every visible room oldest first, each once, from any page size', async () => {
      const member = randomUUID();
      for (let i = 0; i < 5; i++) {
        const room = await store.create({ name: `p${i}`, visibility: 'private', ownerId: randomUUID() });
        await store.addMember(room.id, member);
      }
      const everything = await store.listVisibleTo(member, ALL);
      const order = (a: Room, b: Room) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;
      expect(everything).toEqual([...everything].sort(order));
      expect(
        everything
          .filter((r) => r.visibility === 'private')
          .map((r) => r.name)
          .sort(),
      ).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);

      for (const limit of [1, 2, 3]) {
        const walked: Room[] = [];
        for (let page = await store.listVisibleTo(member, { limit }); page.length > 0;) {
          expect(page.length).toBeLessThanOrEqual(limit);
          walked.push(...page);
          const last = page[page.length - 1];
          page = await store.listVisibleTo(member, {
            after: { createdAt: last.createdAt, id: last.id },
            limit,
          });
        }
        expect(walked).toEqual(everything);
      }
    });

    it('orders rooms created in the same millisecond by id, so a cursor between them skips neither', async () => {
      const member = randomUUID();
      const created = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.create({ name: 'twin', visibility: 'private', ownerId: member }),
        ),
      );
      const mine = (await store.listVisibleTo(member, ALL)).filter((r) => r.ownerId === member);
      expect(mine.map((r) => r.id).sort()).toEqual(created.map((r) => r.id).sort());
      for (let i = 1; i < mine.length; i++) {
        const [a, b] = [mine[i - 1], mine[i]];
        expect(a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id)).toBe(true);
      }
    });

    it("refuses a room past the owner's cap, also when the creations race", async () => {
      const owner = randomUUID();
      for (let i = 0; i < 2; i++)
        await store.create({ name: `r${i}`, visibility: 'public', ownerId: owner }, 3);
      const raced = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          store.create({ name: 'race', visibility: 'private', ownerId: owner }, 3),
        ),
      );
      expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const refused of raced.filter((r) => r.status === 'rejected')) {
        expect(refused.reason).toBeInstanceOf(OwnedRoomLimitError);
        expect(refused.reason).toMatchObject({ limit: 3 });
      }
      const owned = (await store.listVisibleTo(owner, ALL)).filter((r) => r.ownerId === owner);
      expect(owned).toHaveLength(3);
      // Another owner is not affected, and no cap means no cap.
      await store.create({ name: 'other', visibility: 'private', ownerId: randomUUID() }, 3);
      for (let i = 0; i < 4; i++) await store.create({ name: 'free', visibility: 'private', ownerId: owner });
    });

    it('answers null for an unknown room', async () => {
      expect(await store.findById(randomUUID())).toBeNull();
    });
  });
}
