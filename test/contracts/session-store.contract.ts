import type { SessionData, Store } from 'express-session';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { newSessionId } from '../../src/session/session-id.js';

/** Behaviour every express-session store Tether configures must show. */
export function describeSessionStoreContract(implementation: string, make: () => Promise<Store>) {
  describe(`session store contract: ${implementation}`, () => {
    let store: Store;
    let get: (sid: string) => Promise<SessionData | null | undefined>;
    let set: (sid: string, data: SessionData) => Promise<void>;
    let touch: (sid: string, data: SessionData) => Promise<void>;
    let destroy: (sid: string) => Promise<void>;

    beforeAll(async () => {
      store = await make();
      get = promisify(store.get.bind(store));
      set = promisify(store.set.bind(store));
      touch = promisify(store.touch!.bind(store));
      destroy = promisify(store.destroy.bind(store));
    });

    const session = (extra: Record<string, unknown> = {}) =>
      ({
        cookie: {
          originalMaxAge: 60_000,
          expires: new Date(Date.now() + 60_000).toISOString(),
          httpOnly: true,
          path: '/',
        },
        passport: { user: { id: randomUUID(), epoch: 0, iat: Date.now() } },
        ...extra,
      }) as unknown as SessionData;

    it('stores and returns a session', async () => {
      const sid = newSessionId();
      const data = session();
      await set(sid, data);
      expect(await get(sid)).toMatchObject({ passport: data.passport });
    });

    it('answers an unknown id with no session and no error', async () => {
      expect(await get(newSessionId())).toBeFalsy();
    });

    it('forgets a destroyed session, and a later touch does not bring it back', async () => {
      const sid = newSessionId();
      const data = session();
      await set(sid, data);
      await destroy(sid);
      expect(await get(sid)).toBeFalsy();
      await touch(sid, data).catch(() => undefined);
      expect(await get(sid)).toBeFalsy();
    });

    it.each(['../planted', 'a/b', `${newSessionId()}\0`, newSessionId().slice(1), 'x'.repeat(4000)])(
      'never hands the malformed id %j to the backing store',
      async (sid) => {
        await expect(set(sid, session())).rejects.toThrow(/malformed session id/);
        expect(await get(sid)).toBeFalsy();
        await destroy(sid);
        await touch(sid, session());
        expect(await get(sid)).toBeFalsy();
      },
    );

    it('keeps the data when touched', async () => {
      const sid = newSessionId();
      await set(sid, session({ marker: 'kept' }));
      const later = {
        originalMaxAge: 120_000,
        expires: new Date(Date.now() + 120_000).toISOString(),
        path: '/',
      };
      await touch(sid, session({ marker: 'kept', cookie: later }));
      expect(await get(sid)).toMatchObject({ marker: 'kept' });
    });
  });
}
