import { Injectable } from '@nestjs/common';
import { SessionEvents, type SessionRevocation } from '../session/session-events.js';
import {
  cookieSessionRoom,
  sessionRoom,
  userRoom,
  type ChatNamespace,
  type ChatSocket,
} from './socket-types.js';

/**
 * A connected socket's identity rooms, and what revoking an identity does to the sockets in them.
 * Revocations (logout, password change) reach every instance through the cluster adapter.
 */
@Injectable()
export class SocketIdentity {
  constructor(private readonly events: SessionEvents) {}

  /** Joins the identity rooms and lets go of the handshake, which nothing needs any longer. */
  admit(socket: ChatSocket): void {
    const { user, sessionHash: hash, via } = socket.data;
    const rooms = [userRoom(user.id), sessionRoom(hash)];
    if (via === 'session') rooms.push(cookieSessionRoom(hash));
    void socket.join(rooms);
    // The handshake request (headers, cookie, passport state) is not needed any longer.
    (socket.conn as { request?: unknown }).request = undefined;
    socket.handshake.headers = {};
    socket.handshake.auth = {};
  }

  /** Ends the sockets of every revoked session or user; returns the unsubscribe function. */
  listen(namespace: ChatNamespace): () => void {
    return this.events.subscribe(async (revocation) => this.revoke(namespace, revocation));
  }

  private revoke(namespace: ChatNamespace, revocation: SessionRevocation): void {
    if (revocation.scope === 'renewed') {
      // Closing the transport (no DISCONNECT packet) makes the client reconnect by itself, with the
      // new cookie its browser now holds. Local sockets only, for now.
      for (const id of namespace.adapter.rooms.get(cookieSessionRoom(revocation.sessionHash)) ?? []) {
        namespace.sockets.get(id)?.conn.close();
      }
      return;
    }
    const target =
      revocation.scope === 'session'
        ? namespace.in(sessionRoom(revocation.sessionHash))
        : revocation.exceptCookieSessionHash
          ? namespace
              .in(userRoom(revocation.userId))
              .except(cookieSessionRoom(revocation.exceptCookieSessionHash))
          : namespace.in(userRoom(revocation.userId));
    target.emit('session:ended', { reason: revocation.reason });
    target.disconnectSockets(true);
  }
}
