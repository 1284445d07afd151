import type { Provider } from '@nestjs/common';
import type { Request } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { AppException } from '../common/errors.js';
import { sessionHash } from '../session/session-hash.js';
import { SessionLifetime } from '../session/session-lifetime.js';
import { isSessionUser, toAuthUser, toSessionUser, type SessionUser } from '../session/session-user.js';
import { UsersService } from '../users/users.service.js';

export const PASSPORT = Symbol('Passport');

/**
 * One passport instance per application rather than the module-level singleton, so the
 * serializer never reaches into another app's stores (several apps share a test process).
 */
export const passportProvider: Provider = {
  provide: PASSPORT,
  inject: [UsersService, SessionLifetime],
  useFactory: (users: UsersService, lifetime: SessionLifetime) => {
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
                  ? done(null, toAuthUser(user, Date.now()))
                  : done(new AppException('INVALID_CREDENTIALS')),
              done,
            );
        },
      ),
    );

    passport.serializeUser<SessionUser>((user, done) => done(null, toSessionUser(user)));

    // `false` drops the login from the session: after a password change (stale epoch), past the
    // absolute lifetime, after a logout that a racing store write undid, or when the user is gone.
    // It runs on every authenticated request, so it holds whatever the session store.
    passport.deserializeUser<SessionUser, Request>((req, payload, done) => {
      if (!isSessionUser(payload) || lifetime.isPastAbsoluteEnd(payload.iat)) {
        done(null, false);
        return;
      }
      lifetime
        .currentUser(payload.id, payload.epoch, sessionHash(req.sessionID))
        .then((user) => done(null, user ? toAuthUser(user, payload.iat) : false), done);
    });

    return passport;
  },
};
