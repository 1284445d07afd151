import type { NextFunction, Request, Response } from 'express';
import session, { Store } from 'express-session';
import { parse as parseCookies } from 'cookie';
import signature from 'cookie-signature';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../config/config.js';
import { SESSION_COOKIE } from '../protocol/limits.js';
import { secureRequestCheck } from './request-security.js';
import { newSessionId } from './session-id.js';

export const COOKIE_NAME = SESSION_COOKIE.name;
export const SECURE_COOKIE_NAME = SESSION_COOKIE.secureName;

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * The one session middleware shared by Express and the Socket.IO engine. It is a single function
 * over one store; inside, it picks between two express-session configurations per request, because
 * the cookie's name (`__Host-` prefix) and `Secure` flag depend on whether that request came over
 * HTTPS, and express-session fixes the name per instance.
 */
export interface SharedSession {
  readonly middleware: Middleware;
  readonly store: Store;
  /** Whether the request presents a session cookie signed by us, live or not. */
  hasSignedCookie(req: IncomingMessage): boolean;
  /** Expires this request's session cookie in the browser (logout), with the attributes it was set with. */
  clearCookie(req: IncomingMessage, res: Response): void;
}

export function createSharedSession(
  config: Pick<AppConfig, 'trustProxy' | 'sessionIdleTimeoutSec'>,
  store: Store,
  secret: string,
): SharedSession {
  const isSecure = secureRequestCheck(config.trustProxy);
  const cookieName = (secure: boolean) => (secure ? SECURE_COOKIE_NAME : COOKIE_NAME);
  const cookieAttributes = (secure: boolean) =>
    ({ httpOnly: true, sameSite: 'lax', secure, path: '/' }) as const;
  const variant = (secure: boolean) =>
    session({
      name: cookieName(secure),
      secret: [secret],
      // express-session installs its own `generate` on the store it is given, so each variant
      // gets a view that delegates everything else to the one shared store.
      store: Object.create(store) as Store,
      genid: newSessionId,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      // Trust X-Forwarded-Proto exactly when `isSecure` already did, engine requests included.
      proxy: secure,
      cookie: { ...cookieAttributes(secure), maxAge: config.sessionIdleTimeoutSec * 1000 },
    });
  const secureVariant = variant(true);
  const plainVariant = variant(false);

  return {
    store,
    clearCookie: (req, res) => {
      const secure = isSecure(req);
      res.clearCookie(cookieName(secure), cookieAttributes(secure));
    },
    middleware: (req, res, next) => {
      const handler = isSecure(req) ? secureVariant : plainVariant;
      handler(req as Request, res as Response, next as NextFunction);
    },
    hasSignedCookie: (req) => {
      const header = req.headers.cookie;
      if (!header) return false;
      const raw = parseCookies(header)[cookieName(isSecure(req))];
      return raw?.startsWith('s:') === true && signature.unsign(raw.slice(2), secret) !== false;
    },
  };
}
