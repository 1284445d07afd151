import { randomUUID } from 'node:crypto';
import type { IssuedTicket, TicketStore } from '../../src/credentials/ticket-store.js';

const ticket = (overrides: Partial<IssuedTicket> = {}): IssuedTicket => ({
  userId: randomUUID(),
  sessionHash: randomUUID(),
  epoch: 3,
  sessionExpiresAt: new Date(Date.now() + 3_600_000),
  expiresAt: new Date(Date.now() + 30_000),
  ...overrides,
});

/**
 * Behaviour every `TicketStore` implementation must show. `make` may be called more than once;
 * stores it returns must share their data (as two instances sharing one database do).
 */
export function describeTicketStoreContract(implementation: string, make: () => Promise<TicketStore>) {
  describe(`TicketStore contract: ${implementation}`, () => {
    let store: TicketStore;
    beforeAll(async () => {
      store = await make();
    });

    it('redeems a saved ticket once, returning what it was issued for', async () => {
      const issued = ticket();
      const hash = randomUUID();
      await store.save(hash, issued);
      expect(await store.redeem(hash)).toEqual({
        userId: issued.userId,
        sessionHash: issued.sessionHash,
        epoch: issued.epoch,
        sessionExpiresAt: issued.sessionExpiresAt,
      });
      expect(await store.redeem(hash)).toBeNull();
    });

    it('redeems neither an unknown nor an expired ticket', async () => {
      expect(await store.redeem(randomUUID())).toBeNull();
      const hash = randomUUID();
      await store.save(hash, ticket({ expiresAt: new Date(Date.now() - 1) }));
      expect(await store.redeem(hash)).toBeNull();
    });

    it('lets exactly one of many concurrent redemptions win', async () => {
      for (let round = 0; round < 10; round++) {
        const hash = randomUUID();
        await store.save(hash, ticket());
        const results = await Promise.all(Array.from({ length: 8 }, () => store.redeem(hash)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }
    });

    it('lets a second store on the same data redeem, and only once between them', async () => {
      const other = await make();
      const hash = randomUUID();
      await store.save(hash, ticket());
      const [a, b] = await Promise.all([other.redeem(hash), store.redeem(hash)]);
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    });

    it('keeps tickets apart', async () => {
      const first = ticket();
      const second = ticket();
      const [h1, h2] = [randomUUID(), randomUUID()];
      await store.save(h1, first);
      await store.save(h2, second);
      expect((await store.redeem(h2))?.userId).toBe(second.userId);
      expect((await store.redeem(h1))?.userId).toBe(first.userId);
    });
  });
}
