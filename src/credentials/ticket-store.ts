/** What a ticket stands for: a user, as authenticated by one session at the time of issue. */
export interface TicketGrant {
  userId: string;
  /** Hash of the issuing session's id; logging that session out voids the ticket. */
  sessionHash: string;
  /** The user's auth epoch at issue; a password change voids the ticket. */
  epoch: number;
  /** The issuing session's absolute end, which also ends a socket opened with the ticket. */
  sessionExpiresAt: Date;
}

export interface IssuedTicket extends TicketGrant {
  /** After this the ticket is no longer redeemable. */
  expiresAt: Date;
}

/**
 * One-time WebSocket tickets, kept only under the hash of their value. Every implementation passes
 * `ticket-store.contract.ts`.
 */
export interface TicketStore {
  save(ticketHash: string, ticket: IssuedTicket): Promise<void>;
  /**
   * Consumes the ticket: resolves to its grant exactly once, and to null for an unknown, used or
   * expired one. Atomic across processes sharing the store: of two concurrent redemptions, one wins.
   */
  redeem(ticketHash: string): Promise<TicketGrant | null>;
}

export const TICKET_STORE = Symbol('TicketStore');
