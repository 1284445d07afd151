import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppException } from '../common/errors.js';
import { CredentialVerifier } from '../credentials/credential-verifier.js';

/**
 * Session or bearer: the session user when the cookie carries one, otherwise the user of a valid
 * `Authorization: Bearer` access token. A bearer request never gets a session (nothing is written
 * to `req.session`, so no cookie is set). Endpoints for the cookie session only use `SessionGuard`.
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(private readonly credentials: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.user) return true;
    const user = await this.credentials.forBearer(req.headers.authorization);
    if (!user) throw new AppException('UNAUTHENTICATED');
    req.user = user;
    return true;
  }
}
