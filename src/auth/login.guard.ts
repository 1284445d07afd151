import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { PassportStatic } from 'passport';
import { AppException } from '../common/errors.js';
import { parseOrThrow } from '../common/zod-validation.pipe.js';
import { LoginSchema } from '../protocol/http.js';
import type { AuthUser } from '../session/session-user.js';
import { LoginLimiter } from './login-limiter.js';
import { PASSPORT } from './passport.provider.js';

/**
 * Validates the body (non-strings never reach a lookup), runs the passport-local strategy under the
 * guess limits (reserved before the password is checked), and logs in with `req.login`, which
 * regenerates the session id.
 */
@Injectable()
export class LoginGuard implements CanActivate {
  constructor(
    private readonly limiter: LoginLimiter,
    @Inject(PASSPORT) private readonly passport: PassportStatic,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const { username } = parseOrThrow(LoginSchema, req.body);
    const user = await this.limiter.guess(req.ip ?? 'unknown', username, () =>
      this.authenticate(req, http.getResponse<Response>()),
    );
    await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
    return true;
  }

  private authenticate(req: Request, res: Response): Promise<AuthUser> {
    return new Promise((resolve, reject) => {
      this.passport.authenticate('local', { session: false }, (err: unknown, user: AuthUser | false) => {
        if (err) reject(err);
        else if (!user) reject(new AppException('INVALID_CREDENTIALS'));
        else resolve(user);
      })(req, res, reject);
    });
  }
}
