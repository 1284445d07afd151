import { AppException } from '../common/errors.js';
import type { Room } from '../protocol/models.js';
import { chatRoom, type ChatSocket } from '../realtime/socket-types.js';
import type { RoomsService } from '../rooms/rooms.service.js';

/** Room events need the room joined on this socket: that is where its visibility was checked. */
export function assertJoined(socket: ChatSocket, roomId: string): void {
  if (!socket.rooms.has(chatRoom(roomId))) throw new AppException('FORBIDDEN', 'Join the room first');
}

/**
 * Puts the socket in a room its user was just found to see, then asks again for a room with members:
 * a removal that committed after that first check took no socket out (this one was not in yet), so
 * without the second check the removed user would hear the room until their next reconnect. Either
 * the removal comes before the second check, which refuses, or after this join, and takes it out.
 */
export async function joinVisible(rooms: RoomsService, socket: ChatSocket, room: Room): Promise<void> {
  if (room.visibility === 'public') return;
  await socket.join(chatRoom(room.id));
  if (await rooms.isVisibleTo(room, socket.data.user.id)) return;
  await socket.leave(chatRoom(room.id));
  throw new AppException('NOT_FOUND', 'Room not found');
}
