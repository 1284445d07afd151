import { randomUUID } from 'node:crypto';
import type { RevokedSessionStore } from '../../src/session/revoked-session-store.js';

/** Behaviour every `RevokedSessionStore` implementation must show. */
export function describeRevokedSessionsContract(
  implementation: string,
  make: () => Promise<RevokedSessionStore>,
) {
  describe(`RevokedSessionStore contract: ${implementation}`, () => {
    let store: RevokedSessionStore;
    beforeAll(async () => {
      store = await make();
    });

    it('remembers a revoked session until the given time', async () => {
      const hash = randomUUID();
      expect(await store.isRevoked(hash)).toBe(false);
      await store.revoke(hash, new Date(Date.now() + 60_000));
      expect(await store.isRevoked(hash)).toBe(true);
      expect(await store.isRevoked(randomUUID())).toBe(false);
    });

    it('forgets a revocation whose time has passed, and accepts a second revocation', async () => {
      const hash = randomUUID();
      await store.revoke(hash, new Date(Date.now() - 1000));
      expect(await store.isRevoked(hash)).toBe(false);
      await store.revoke(hash, new Date(Date.now() + 60_000));
      await store.revoke(hash, new Date(Date.now() + 30_000));
      expect(await store.isRevoked(hash)).toBe(true);
    });
  });
}
