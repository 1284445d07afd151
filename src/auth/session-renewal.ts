import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionEvents } from '../session/session-events.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import type { AuthUser } from '../session/session-user.js';

/**
 * A new session id on a privilege change (OWASP session management): the login carries over under
 * a fresh id, and the old id is revoked like a logout, in the shared revocation store, so a copy of
 * the old cookie is worthless on every instance. Login renews through passport's `req.login` too.
 */
@Injectable()
export class SessionRenewal {
  private readonly logger = new Logger(SessionRenewal.name);

  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly events: SessionEvents,
  ) {}

  /**
   * Moves the request's login, as `user` (same login time, so the absolute lifetime does not grow),
   * to a new session id, and sets its cookie on the response. Resolves to the old id's hash.
   */
  async renew(req: Request, res: Response, user: AuthUser): Promise<string> {
    const previous = sessionHash(req.sessionID);
    // Revoked first: a store write already in flight for the old id cannot bring it back.
    await this.lifetime.revoke(previous, user.loggedInAt);
    // passport 0.7 regenerates the session (destroying the old one in the store), then stores the
    // serialized user in the new one: `passport.user` with the current epoch and the original iat.
    await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
    // The old cookie's sockets must reconnect with the new cookie. Once the response is out, so the
    // browser already holds that cookie when they do.
    res.once('close', () => {
      this.events
        .publish({ scope: 'renewed', sessionHash: previous })
        .catch((error: unknown) =>
          this.logger.warn(`telling sockets of a renewed session failed: ${String(error)}`),
        );
    });
    return previous;
  }
}
