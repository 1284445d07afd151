import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import type { ChatSocket } from './socket-types.js';

/**
 * Runs before every handled event: the socket's credential must not have expired. No store read:
 * revocation (logout, password change) already disconnects the socket through the cluster adapter,
 * and renewal moves `socket.data.expiresAt`, so the known expiry is the only thing left to check;
 * this covers the gap between that instant and the expiry timer.
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<ChatSocket>();
    if (socket.connected && Date.now() < socket.data.expiresAt) return true;
    // The exception filter answers the ack on this tick's promise chain; a socket closed first
    // would drop that answer, so the socket ends right after.
    setImmediate(() => {
      if (!socket.connected) return;
      socket.emit('session:ended', { reason: 'expired' });
      socket.disconnect(true);
    });
    throw socket.data.via === 'token'
      ? new AppException('TOKEN_EXPIRED')
      : new AppException('SESSION_EXPIRED');
  }
}
