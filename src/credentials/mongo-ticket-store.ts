import type { Collection, Db } from 'mongodb';
import { MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import type { IssuedTicket, TicketGrant, TicketStore } from './ticket-store.js';

interface TicketDocument {
  /** The ticket's hash. */
  _id: string;
  userId: string;
  sessionHash: string;
  epoch: number;
  sessionExpiresAt: Date;
  /** A TTL index removes the document once this passes. */
  expiresAt: Date;
}

export class MongoTicketStore implements TicketStore {
  private readonly tickets: Collection<TicketDocument>;

  constructor(db: Db) {
    this.tickets = db.collection<TicketDocument>(MONGO_COLLECTIONS.tickets);
  }

  async save(ticketHash: string, ticket: IssuedTicket): Promise<void> {
    await this.tickets.insertOne({
      _id: ticketHash,
      userId: ticket.userId,
      sessionHash: ticket.sessionHash,
      epoch: ticket.epoch,
      sessionExpiresAt: ticket.sessionExpiresAt,
      expiresAt: ticket.expiresAt,
    });
  }

  async redeem(ticketHash: string): Promise<TicketGrant | null> {
    // A single-document delete is atomic: of concurrent redemptions only one gets the document.
    // The TTL monitor runs once a minute; the date filter makes expiry exact.
    const doc = await this.tickets.findOneAndDelete({ _id: ticketHash, expiresAt: { $gt: new Date() } });
    if (!doc) return null;
    return {
      userId: doc.userId,
      sessionHash: doc.sessionHash,
      epoch: doc.epoch,
      sessionExpiresAt: doc.sessionExpiresAt,
    };
  }
}
