import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AppException } from '../common/errors.js';
import { parseOrThrow } from '../common/zod-validation.pipe.js';
import { LoginSchema } from './auth.schemas.js';
import { LoginLimiter } from './login-limiter.js';

/**
 * Validates the body (non-strings never reach a lookup), applies the failure limits, runs the
 * passport-local strategy, and logs in with `req.login`, which regenerates the session id.
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  constructor(private readonly limiter: LoginLimiter) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const { username } = parseOrThrow(LoginSchema, req.body);
    const ip = req.ip ?? 'unknown';
    await this.limiter.assertAllowed(ip, username);
    try {
      await super.canActivate(context);
    } catch (error) {
      if (error instanceof AppException && error.code === 'INVALID_CREDENTIALS') {
        await this.limiter.recordFailure(ip, username);
      }
      throw error;
    }
    await super.logIn(req);
    await this.limiter.recordSuccess(username);
    return true;
  }

  override handleRequest<T>(error: unknown, user: T): T {
    if (error) throw error;
    if (!user) throw new AppException('INVALID_CREDENTIALS', 'Invalid username or password');
    return user;
  }
}
