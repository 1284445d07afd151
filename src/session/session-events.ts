import { Injectable } from '@nestjs/common';

import { logEvent } from '../observability/events.js';
import type { SessionEndReason } from '../protocol/socket.js';

export type { SessionEndReason };

/**
 * A session stopped being valid, or all of a user's sessions did except the cookie sockets of the
 * one that caused it (a password change keeps the browser tab that made it), or a session was
 * given a new id on a privilege change (`renewed`): the old id is void, and the sockets its cookie
 * opened must reconnect with the new cookie rather than end.
 */
export type SessionRevocation =
  | { scope: 'session'; sessionHash: string; reason: SessionEndReason }
  | { scope: 'user'; userId: string; exceptCookieSessionHash?: string; reason: SessionEndReason }
  | { scope: 'renewed'; sessionHash: string };

type Listener = (revocation: SessionRevocation) => Promise<void>;

/**
 * Where HTTP auth announces revocations and the realtime layer (and anything else holding a
 * credential derived from a session) acts on them. Publishing waits for every listener, so a
 * logout response is sent only after the sockets were told.
 */
@Injectable()
export class SessionEvents {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(revocation: SessionRevocation): Promise<void> {
    if (revocation.scope === 'renewed') logEvent('session_renewed');
    else if (revocation.scope === 'user') {
      logEvent('session_revoked', { scope: 'user', userId: revocation.userId, reason: revocation.reason });
    } else logEvent('session_revoked', { scope: 'session', reason: revocation.reason });
    await Promise.all([...this.listeners].map((listener) => listener(revocation)));
  }
}
