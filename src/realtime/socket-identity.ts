import { Injectable } from '@nestjs/common';
import { releaseHandshakeResponse } from './engine-middlewares.js';
import { cookieSessionRoom, sessionRoom, userRoom, type ChatSocket } from './socket-types.js';

/** A connected socket's identity rooms, which revocations (`SocketRevocation`) target. */
@Injectable()
export class SocketIdentity {
  /**
   * Joins the identity rooms and lets go of the handshake, which nothing needs any longer. Returns
   * the join, a promise with some adapters.
   */
  admit(socket: ChatSocket): Promise<void> | void {
    const { user, sessionHash: hash, via } = socket.data;
    const rooms = [userRoom(user.id), sessionRoom(hash)];
    if (via === 'session') rooms.push(cookieSessionRoom(hash));
    // The handshake request (headers, cookie, passport state) is not needed any longer.
    releaseHandshakeResponse(socket.request);
    (socket.conn as { request?: unknown }).request = undefined;
    socket.handshake.headers = {};
    socket.handshake.auth = {};
    return socket.join(rooms);
  }
}
