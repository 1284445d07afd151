import type { User, UserRecord } from '../users/user-store.js';
import { toPublicUser } from '../users/user-store.js';

/** What passport keeps in the session: small, and enough to notice a stale or over-age login. */
export interface SessionUser {
  id: string;
  /** The user's auth epoch at login; a later password change makes it stale. */
  epoch: number;
  /** Login time, ms since epoch; the absolute session lifetime counts from here. */
  iat: number;
}

/** `req.user` once authenticated. */
export interface AuthUser extends User {
  epoch: number;
  loggedInAt: number;
}

/** The one way to build `req.user`: from the stored user and the time its session began. */
export function toAuthUser(user: UserRecord, loggedInAt: number): AuthUser {
  return { ...toPublicUser(user), epoch: user.authEpoch, loggedInAt };
}

export function toSessionUser(user: AuthUser): SessionUser {
  return { id: user.id, epoch: user.epoch, iat: user.loggedInAt };
}

export function isSessionUser(value: unknown): value is SessionUser {
  const v = value as SessionUser;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    Number.isInteger(v.epoch) &&
    Number.isFinite(v.iat)
  );
}

declare module 'express-session' {
  interface SessionData {
    passport?: { user?: SessionUser };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthUser {}
  }
}
