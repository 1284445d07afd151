import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REVOKED_SESSIONS, type RevokedSessionStore } from '../session/revoked-sessions.js';
import { SessionEvents } from '../session/session-events.js';
import { sessionHash } from '../session/session-hash.js';
import { SHARED_SESSION } from '../session/session.module.js';
import type { SharedSession } from '../session/session-middleware.js';
import { toPublicUser } from '../users/user-store.js';
import type { User } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { ChangePasswordSchema, RegisterSchema } from './auth.schemas.js';
import type { ChangePasswordInput, RegisterInput } from './auth.schemas.js';
import { AuthenticatedGuard, SessionOnly } from './authenticated.guard.js';
import { LoginGuard } from './login.guard.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessionEvents: SessionEvents,
    @Inject(SHARED_SESSION) private readonly session: SharedSession,
    @Inject(REVOKED_SESSIONS) private readonly revoked: RevokedSessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  async register(@Body(new ZodValidationPipe(RegisterSchema)) input: RegisterInput): Promise<{ user: User }> {
    return { user: toPublicUser(await this.users.register(input)) };
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  login(@Req() req: Request): { user: User } {
    return { user: publicUser(req) };
  }

  @Get('me')
  @UseGuards(AuthenticatedGuard)
  me(@Req() req: Request): { user: User } {
    return { user: publicUser(req) };
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthenticatedGuard)
  @SessionOnly()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const hash = sessionHash(req.sessionID);
    const validUntil = req.user!.loggedInAt + this.config.sessionAbsoluteTimeoutSec * 1000;
    await this.revoked.revoke(hash, new Date(validUntil));
    await new Promise<void>((resolve, reject) =>
      req.session.destroy((err) => (err ? reject(err) : resolve())),
    );
    const { name, secure } = this.session.cookieFor(req);
    res.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    await this.sessionEvents.publish({ scope: 'session', sessionHash: hash, reason: 'logout' });
  }

  @Post('password')
  @HttpCode(204)
  @UseGuards(AuthenticatedGuard)
  @SessionOnly()
  async changePassword(
    @Req() req: Request,
    @Body(new ZodValidationPipe(ChangePasswordSchema)) input: ChangePasswordInput,
  ): Promise<void> {
    const userId = req.user!.id;
    const epoch = await this.users.changePassword(userId, input.currentPassword, input.newPassword);
    // This session stays valid; every other one now carries a stale epoch.
    req.session.passport!.user!.epoch = epoch;
    await this.sessionEvents.publish({
      scope: 'user',
      userId,
      exceptCookieSessionHash: sessionHash(req.sessionID),
      reason: 'password_changed',
    });
  }
}

const publicUser = (req: Request): User => toPublicUser({ ...req.user! });
