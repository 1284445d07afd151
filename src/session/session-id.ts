import { randomBytes } from 'node:crypto';

/**
 * The one form a session id takes: 24 random bytes in base64url (32 characters), as express-session's
 * own generator (uid-safe) makes them. Tether generates them here, so the form and its check cannot
 * drift apart.
 */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}
