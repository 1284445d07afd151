import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppException } from '../common/errors.js';

/**
 * The cookie session only: for endpoints that act on the session itself (logout, password change)
 * or mint credentials from it. A bearer token never reaches them.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user) throw new AppException('UNAUTHENTICATED');
    return true;
  }
}
