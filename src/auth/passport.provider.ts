import type { Provider } from '@nestjs/common';
import type { Request } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { AppException } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.js';
import { REVOKED_SESSIONS, type RevokedSessionStore } from '../session/revoked-sessions.js';
import { sessionHash } from '../session/session-hash.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser, SessionUser } from './auth-user.js';

export const PASSPORT = Symbol('Passport');

/**
 * One passport instance per application rather than the module-level singleton, so the
 * serializer never reaches into another app's stores (several apps share a test process).
 */
export const passportProvider: Provider = {
  provide: PASSPORT,
  inject: [UsersService, APP_CONFIG, REVOKED_SESSIONS],
  useFactory: (users: UsersService, config: AppConfig, revoked: RevokedSessionStore) => {
    const passport = new Passport();

    passport.use(
      'local',
      new LocalStrategy(
        { usernameField: 'username', passwordField: 'password' },
        (username, password, done) => {
          users
            .authenticate(username, password)
            .then(
              (user) =>
                user
                  ? done(null, { ...toPublicUser(user), epoch: user.authEpoch, loggedInAt: Date.now() })
                  : done(new AppException('INVALID_CREDENTIALS', 'Invalid username or password')),
              done,
            );
        },
      ),
    );

    passport.serializeUser<SessionUser>((user, done) => {
      done(null, { id: user.id, epoch: user.epoch, iat: user.loggedInAt });
    });

    // `false` drops the login from the session: after a password change (stale epoch), past the
    // absolute lifetime, after a logout that a racing store write undid, or when the user is gone.
    // It runs on every authenticated request, so it holds whatever the session store.
    passport.deserializeUser<SessionUser, Request>((req, payload, done) => {
      if (!isSessionUser(payload) || Date.now() - payload.iat > config.sessionAbsoluteTimeoutSec * 1000) {
        done(null, false);
        return;
      }
      Promise.all([users.findById(payload.id), revoked.isRevoked(sessionHash(req.sessionID))]).then(
        ([user, isRevoked]) => {
          const current = user !== null && user.authEpoch === payload.epoch && !isRevoked;
          done(
            null,
            current
              ? ({ ...toPublicUser(user), epoch: user.authEpoch, loggedInAt: payload.iat } satisfies AuthUser)
              : false,
          );
        },
        done,
      );
    });

    return passport;
  },
};

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
