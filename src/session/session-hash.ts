import { createHash } from 'node:crypto';

/**
 * The name under which a session appears outside the session store: in Socket.IO room names,
 * in the cluster adapter's collection, in tokens. Never the raw id, which is a bearer secret.
 */
export function sessionHash(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 32);
}
