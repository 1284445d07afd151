import type { NextFunction, Request, Response } from 'express';
import session, { Store } from 'express-session';
import { parse as parseCookies } from 'cookie';
import signature from 'cookie-signature';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../config/config.js';
import { secureRequestCheck } from './request-security.js';

export const COOKIE_NAME = 'tether.sid';
export const SECURE_COOKIE_NAME = `__Host-${COOKIE_NAME}`;

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
  /** Cookie name and attributes for this request, for clearing it on logout. */
  cookieFor(req: IncomingMessage): { name: string; secure: boolean };
}

export function createSharedSession(
  config: Pick<AppConfig, 'trustProxy' | 'sessionIdleTimeoutSec'>,
  store: Store,
  secret: string,
): SharedSession {
  const isSecure = secureRequestCheck(config.trustProxy);
  const variant = (secure: boolean) =>
    session({
      name: secure ? SECURE_COOKIE_NAME : COOKIE_NAME,
      secret: [secret],
      // express-session installs its own `generate` on the store it is given, so each variant
      // gets a view that delegates everything else to the one shared store.
      store: Object.create(store) as Store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      // Trust X-Forwarded-Proto exactly when `isSecure` already did, engine requests included.
      proxy: secure,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: config.sessionIdleTimeoutSec * 1000,
      },
    });
  const secureVariant = variant(true);
  const plainVariant = variant(false);

  const cookieFor = (req: IncomingMessage) => {
    const secure = isSecure(req);
    return { name: secure ? SECURE_COOKIE_NAME : COOKIE_NAME, secure };
  };

  return {
    store,
    cookieFor,
    middleware: (req, res, next) => {
      const handler = isSecure(req) ? secureVariant : plainVariant;
      handler(req as Request, res as Response, next as NextFunction);
    },
    hasSignedCookie: (req) => {
      const header = req.headers.cookie;
      if (!header) return false;
      const raw = parseCookies(header)[cookieFor(req).name];
      return raw?.startsWith('s:') === true && signature.unsign(raw.slice(2), secret) !== false;
    },
  };
}
