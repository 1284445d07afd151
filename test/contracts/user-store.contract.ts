import { UsernameTakenError, type UserStore } from '../../src/users/user-store.js';

let n = 0;
const name = (prefix: string) => `${prefix}_${process.pid}_${++n}`;

/** Behaviour every `UserStore` implementation must show. `make` returns a store over an empty or shared database. */
export function describeUserStoreContract(implementation: string, make: () => Promise<UserStore>) {
  describe(`UserStore contract: ${implementation}`, () => {
    let store: UserStore;
    beforeAll(async () => {
      store = await make();
    });

    it('creates a user with an id, epoch 0 and a timestamp, and finds it by id and username', async () => {
      const username = name('Alice');
      const created = await store.create({ username, displayName: 'Alice A.', passwordHash: 'hash-1' });
      expect(created).toEqual({
        id: expect.any(String),
        username,
        displayName: 'Alice A.',
        passwordHash: 'hash-1',
        authEpoch: 0,
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      expect(await store.findById(created.id)).toEqual(created);
      expect(await store.findByUsername(username)).toEqual(created);
    });

    it('finds usernames case-insensitively and keeps the original case', async () => {
      const username = name('MixedCase');
      await store.create({ username, displayName: username, passwordHash: 'h' });
      expect((await store.findByUsername(username.toLowerCase()))?.username).toBe(username);
      expect((await store.findByUsername(username.toUpperCase()))?.username).toBe(username);
    });

    it('refuses a username taken in another letter case', async () => {
      const username = name('taken');
      await store.create({ username, displayName: username, passwordHash: 'h' });
      await expect(
        store.create({ username: username.toUpperCase(), displayName: 'x', passwordHash: 'h' }),
      ).rejects.toBeInstanceOf(UsernameTakenError);
    });

    it('lets exactly one of several concurrent registrations of a name win', async () => {
      const username = name('race');
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          store.create({ username, displayName: `${i}`, passwordHash: 'h' }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UsernameTakenError);
    });

    it('answers null for unknown ids and usernames', async () => {
      expect(await store.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
      expect(await store.findByUsername(name('nobody'))).toBeNull();
    });

    it('changes the password hash and bumps the auth epoch each time', async () => {
      const user = await store.create({ username: name('pw'), displayName: 'pw', passwordHash: 'old' });
      expect(await store.changePassword(user.id, 'new-1')).toBe(1);
      expect(await store.changePassword(user.id, 'new-2')).toBe(2);
      expect(await store.findById(user.id)).toMatchObject({ passwordHash: 'new-2', authEpoch: 2 });
      expect(await store.changePassword('no-such-id', 'x')).toBeNull();
    });

    it('disables a user with an epoch bump, and enables it again without one', async () => {
      const user = await store.create({ username: name('dis'), displayName: 'dis', passwordHash: 'h' });
      expect(await store.setDisabled(user.id, true)).toBe(1);
      expect(await store.findById(user.id)).toMatchObject({ disabled: true, authEpoch: 1 });
      expect((await store.findByUsername(user.username))?.disabled).toBe(true);
      expect(await store.setDisabled(user.id, false)).toBe(1);
      expect(await store.findById(user.id)).toMatchObject({ disabled: false, authEpoch: 1 });
      expect(await store.setDisabled('no-such-id', true)).toBeNull();
    });

    it('bumps the auth epoch alone, keeping the password hash', async () => {
      const user = await store.create({ username: name('bump'), displayName: 'b', passwordHash: 'kept' });
      expect(await store.bumpAuthEpoch(user.id)).toBe(1);
      expect(await store.bumpAuthEpoch(user.id)).toBe(2);
      expect(await store.findById(user.id)).toMatchObject({
        passwordHash: 'kept',
        authEpoch: 2,
        disabled: false,
      });
      expect(await store.bumpAuthEpoch('no-such-id')).toBeNull();
    });

    it('treats hostile strings as plain data', async () => {
      const username = name("o'hara");
      await store.create({ username, displayName: `Robert'); DROP TABLE users;--`, passwordHash: 'h' });
      expect((await store.findByUsername(username))?.displayName).toBe(`Robert'); DROP TABLE users;--`);
      expect(await store.findByUsername(`' OR '1'='1`)).toBeNull();
    });
  });
}
