import { Body, Controller, Header, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionGuard } from './authenticated.guard.js';
import type { TicketGrant } from './tickets/ticket-store.js';
import { TicketsService } from './tickets/tickets.service.js';
import { TokenService } from './tokens/token.service.js';

/** Both endpoints take no input; anything sent is refused rather than ignored. */
const EmptyBodySchema = z.strictObject({}).optional();

/**
 * Credentials for clients that cannot carry the session cookie, minted from a cookie session
 * only: a bearer token cannot mint its own successor.
 */
@Controller('auth')
@UseGuards(SessionGuard)
export class WsCredentialsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
      sessionExpiresAt: new Date(user.loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000),
    };
  }
}
