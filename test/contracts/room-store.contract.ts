import { randomUUID } from 'node:crypto';
import { GENERAL_ROOM_ID } from '../../src/protocol/limits.js';
import type { RoomStore } from '../../src/rooms/room-store.js';

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
      const ids = async (user: string) => (await store.listVisibleTo(user)).map((r) => r.id);

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
      expect((await store.listVisibleTo(randomUUID())).filter((r) => r.id === GENERAL_ROOM_ID)).toHaveLength(
        1,
      );
    });

    it('answers null for an unknown room', async () => {
      expect(await store.findById(randomUUID())).toBeNull();
    });
  });
}
