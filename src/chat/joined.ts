import { AppException } from '../common/errors.js';
import { chatRoom, type ChatSocket } from '../realtime/socket-types.js';

/** Room events need the room joined on this socket: that is where its visibility was checked. */
export function assertJoined(socket: ChatSocket, roomId: string): void {
  if (!socket.rooms.has(chatRoom(roomId))) throw new AppException('FORBIDDEN', 'Join the room first');
}
