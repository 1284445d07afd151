import type { Sqlite } from '../storage/sqlite.js';
import type { IssuedTicket, TicketGrant, TicketStore } from './ticket-store.js';

interface TicketRow {
  user_id: string;
  session_hash: string;
  auth_epoch: number;
  session_expires_at: number;
  expires_at: number;
}

export class SqliteTicketStore implements TicketStore {
  private readonly insert;
  private readonly purge;
  private readonly take;

  constructor(db: Sqlite) {
    this.insert = db.prepare<[string, string, string, number, number, number]>(
      `INSERT INTO tickets (ticket_hash, user_id, session_hash, auth_epoch, session_expires_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.purge = db.prepare<[number]>(`DELETE FROM tickets WHERE expires_at <= ?`);
    // One statement that deletes and returns: SQLite's write lock makes it the single winner, also
    // between processes sharing the file.
    this.take = db.prepare<[string], TicketRow>(
      `DELETE FROM tickets WHERE ticket_hash = ?
       RETURNING user_id, session_hash, auth_epoch, session_expires_at, expires_at`,
    );
  }

  async save(ticketHash: string, ticket: IssuedTicket): Promise<void> {
    this.purge.run(Date.now());
    this.insert.run(
      ticketHash,
      ticket.userId,
      ticket.sessionHash,
      ticket.epoch,
      ticket.sessionExpiresAt.getTime(),
      ticket.expiresAt.getTime(),
    );
  }

  async redeem(ticketHash: string): Promise<TicketGrant | null> {
    const [row] = this.take.all(ticketHash);
    if (!row || row.expires_at <= Date.now()) return null;
    return {
      userId: row.user_id,
      sessionHash: row.session_hash,
      epoch: row.auth_epoch,
      sessionExpiresAt: new Date(row.session_expires_at),
    };
  }
}
