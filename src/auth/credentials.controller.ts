import { Body, Controller, Header, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { EmptyBodySchema } from '../protocol/http.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import { SessionGuard } from './session.guard.js';
import type { TicketGrant } from '../credentials/ticket-store.js';
import { TicketsService } from '../credentials/tickets.service.js';
import { TokenService } from '../credentials/token.service.js';

/**
 * Credentials for clients that cannot carry the session cookie, minted from a cookie session
 * only: a bearer token cannot mint its own successor.
 */
@Controller('auth')
@UseGuards(SessionGuard)
export class CredentialsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly tokens: TokenService,
    private readonly lifetime: SessionLifetime,
  ) {}

  @Post('ws-ticket')
  @Header('Cache-Control', 'no-store')
  async ticket(
    @Req() req: Request,
    @Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown,
  ): Promise<{ ticket: string; expiresAt: string }> {
    const { ticket, expiresAt } = await this.tickets.issue(this.grant(req));
    return { ticket, expiresAt: expiresAt.toISOString() };
  }

  @Post('token')
  @Header('Cache-Control', 'no-store')
  async token(
    @Req() req: Request,
    @Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const grant = this.grant(req);
    const { accessToken, expiresIn } = await this.tokens.issue({
      ...grant,
      sessionExpiresAt: grant.sessionExpiresAt.getTime(),
    });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }

  private grant(req: Request): TicketGrant {
    const user = req.user!;
    return {
      userId: user.id,
      epoch: user.epoch,
      sessionHash: sessionHash(req.sessionID),
      sessionExpiresAt: new Date(this.lifetime.absoluteEnd(user.loggedInAt)),
    };
  }
}
