import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from '../common/errors.js';
import { DerivedCredentials } from './derived-credentials.js';

const SESSION_ONLY = 'tether:session-only';

/** Marks a handler guarded by `AuthenticatedGuard` as one a bearer token must not reach. */
export const SessionOnly = () => SetMetadata(SESSION_ONLY, true);

/**
 * Session or bearer: the session user when the cookie carries one, otherwise the user of a valid
 * `Authorization: Bearer` access token. A bearer request never gets a session (nothing is written
 * to `req.session`, so no cookie is set).
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(
    private readonly credentials: DerivedCredentials,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.user) return true;
    const sessionOnly = this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const user = sessionOnly ? null : await this.credentials.forBearer(req.headers.authorization);
    if (!user) throw new AppException('UNAUTHENTICATED', 'Authentication required');
    req.user = user;
    return true;
  }
}

/** The cookie session only: for endpoints that act on the session itself or mint credentials. */
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user) throw new AppException('UNAUTHENTICATED', 'Authentication required');
    return true;
  }
}
