import type { User } from '../users/user-store.js';

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
