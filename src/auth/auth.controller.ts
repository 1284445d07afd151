import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException } from '../common/errors.js';
import { parseOrThrow, ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ChangePasswordSchema, RegisterSchema } from '../protocol/http.js';
import type { ChangePasswordInput, RegistrationMode } from '../protocol/http.js';
import { SessionEvents } from '../session/session-events.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import { SHARED_SESSION } from '../session/session.module.js';
import type { SharedSession } from '../session/session-middleware.js';
import { toPublicUser } from '../users/user-store.js';
import type { User } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticatedGuard } from './authenticated.guard.js';
import { LoginGuard } from './login.guard.js';
import { LoginLimiter } from './login-limiter.js';
import { RegistrationLimiter } from './registration-limiter.js';
import { SessionGuard } from './session.guard.js';
import { SessionRenewal } from './session-renewal.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly sessionEvents: SessionEvents,
    @Inject(SHARED_SESSION) private readonly session: SharedSession,
    private readonly lifetime: SessionLifetime,
    private readonly limiter: LoginLimiter,
    private readonly renewal: SessionRenewal,
    private readonly registrations: RegistrationLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('registration')
  registration(): { registration: RegistrationMode } {
    return { registration: this.config.registration };
  }

  @Post('register')
  async register(@Req() req: Request, @Body() body: unknown): Promise<{ user: User }> {
    // Closed is the answer whatever the body: nothing about it matters any more.
    if (this.config.registration === 'closed') throw new AppException('REGISTRATION_CLOSED');
    const input = parseOrThrow(RegisterSchema, body);
    await this.registrations.consume(req.ip ?? 'unknown');
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
  @UseGuards(SessionGuard)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const hash = sessionHash(req.sessionID);
    await this.lifetime.revoke(hash, req.user!.loggedInAt);
    await new Promise<void>((resolve, reject) =>
      req.session.destroy((err) => (err ? reject(err) : resolve())),
    );
    this.session.clearCookie(req, res);
    await this.sessionEvents.publish({ scope: 'session', sessionHash: hash, reason: 'logout' });
  }

  @Post('password')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async changePassword(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Body(new ZodValidationPipe(ChangePasswordSchema)) input: ChangePasswordInput,
  ): Promise<void> {
    const user = req.user!;
    // The current password is a guess like a login's: a stolen cookie must not make it an oracle.
    const epoch = await this.limiter.guess(req.ip ?? 'unknown', user.username, () =>
      this.users.changePassword(user.id, input.currentPassword, input.newPassword),
    );
    // This tab stays logged in, under a new id; every other session now carries a stale epoch.
    const previous = await this.renewal.renew(req, res, { ...user, epoch });
    await this.sessionEvents.publish({
      scope: 'user',
      userId: user.id,
      exceptCookieSessionHash: previous,
      reason: 'password_changed',
    });
  }
}

const publicUser = (req: Request): User => toPublicUser({ ...req.user! });
