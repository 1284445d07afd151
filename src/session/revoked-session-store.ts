/**
 * Sessions ended by logout, remembered until they could no longer have been valid anyway.
 *
 * Destroying the stored session is not enough on its own: a store `touch` already in flight (a
 * concurrent request, a socket renewing its session) reads the session before the logout and
 * writes it back after. A revoked hash makes such a resurrected session worthless.
 */
export interface RevokedSessionStore {
  revoke(sessionHash: string, until: Date): Promise<void>;
  isRevoked(sessionHash: string): Promise<boolean>;
}

export const REVOKED_SESSIONS = Symbol('RevokedSessionStore');
