import type { Collection, Db } from 'mongodb';
import { MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import type { RevokedSessionStore } from './revoked-session-store.js';

interface RevokedDocument {
  _id: string;
  /** A TTL index removes the document once this passes. */
  expiresAt: Date;
}

export class MongoRevokedSessionStore implements RevokedSessionStore {
  private readonly revoked: Collection<RevokedDocument>;

  constructor(db: Db) {
    this.revoked = db.collection<RevokedDocument>(MONGO_COLLECTIONS.revokedSessions);
  }

  async revoke(sessionHash: string, until: Date): Promise<void> {
    await this.revoked.updateOne({ _id: sessionHash }, { $max: { expiresAt: until } }, { upsert: true });
  }

  async isRevoked(sessionHash: string): Promise<boolean> {
    // The TTL monitor runs once a minute; the date check makes expiry exact.
    return (
      (await this.revoked.countDocuments(
        { _id: sessionHash, expiresAt: { $gte: new Date() } },
        { limit: 1 },
      )) > 0
    );
  }
}
