import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TICKET_STORE, type TicketGrant, type TicketStore } from './ticket-store.js';

/** 256 random bits, base64url: 43 characters. */
const TICKET_BYTES = 32;
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** One-time tickets that let a cookie-less client open a socket as the session that asked for it. */
@Injectable()
export class TicketsService {
  constructor(
    @Inject(TICKET_STORE) private readonly store: TicketStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(grant: TicketGrant): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = randomBytes(TICKET_BYTES).toString('base64url');
    const expiresAt = new Date(
      Math.min(Date.now() + this.config.ticketTtlSec * 1000, grant.sessionExpiresAt.getTime()),
    );
    await this.store.save(ticketHash(ticket), { ...grant, expiresAt });
    return { ticket, expiresAt };
  }

  /** Consumes the ticket; TICKET_INVALID alike for malformed, unknown, used and expired ones. */
  async redeem(ticket: unknown): Promise<TicketGrant> {
    const grant =
      typeof ticket === 'string' && TICKET_PATTERN.test(ticket)
        ? await this.store.redeem(ticketHash(ticket))
        : null;
    if (!grant) throw new AppException('TICKET_INVALID');
    return grant;
  }
}

/** Only the hash is stored, so a leaked table or backup opens no socket. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
