import { Inject, Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser, SessionUser } from './auth-user.js';

type Done<T> = (err: unknown, value?: T | false) => void;

@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  serializeUser(user: AuthUser, done: Done<SessionUser>): void {
    done(null, { id: user.id, epoch: user.epoch, iat: user.loggedInAt });
  }

  /**
   * `false` drops the login from the session: after a password change (stale epoch), past the
   * absolute lifetime, or when the user no longer exists. This runs on every authenticated
   * request, so it holds whatever the session store.
   */
  deserializeUser(payload: SessionUser, done: Done<AuthUser>): void {
    if (!isSessionUser(payload) || Date.now() - payload.iat > this.config.sessionAbsoluteTimeoutSec * 1000) {
      done(null, false);
      return;
    }
    this.users
      .findById(payload.id)
      .then(
        (user) =>
          done(
            null,
            user && user.authEpoch === payload.epoch
              ? { ...toPublicUser(user), epoch: user.authEpoch, loggedInAt: payload.iat }
              : false,
          ),
        done,
      );
  }
}

function isSessionUser(value: unknown): value is SessionUser {
  const v = value as SessionUser;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    Number.isInteger(v.epoch) &&
    Number.isFinite(v.iat)
  );
}
