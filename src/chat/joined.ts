import { AppException } from '../common/errors.js';
import type { Room } from '../protocol/models.js';
import { chatRoom, type ChatSocket } from '../realtime/socket-types.js';
import type { RoomsService } from '../rooms/rooms.service.js';

/** Room events need the room joined on this socket: that is where its visibility was checked. */
export function assertJoined(socket: ChatSocket, roomId: string): void {
  if (!socket.rooms.has(chatRoom(roomId))) throw new AppException('FORBIDDEN', 'Join the room first');
}

/**
 * Puts the socket in a room its user was just found to see. For a room with members it asks again
 * once the socket is in: a removal that committed after the first check took no socket out (this one
 * was not in yet), so that check alone would leave the removed user hearing the room until their next
 * reconnect. A removal before the second check is refused by it; one that commits while it is being
 * answered (a read already in flight answers "member") has taken the socket out again by then. Either
 * way the join is refused rather than left half done.
 */
export async function joinVisible(rooms: RoomsService, socket: ChatSocket, room: Room): Promise<void> {
  const name = chatRoom(room.id);
  await socket.join(name);
  if (room.visibility === 'public') return;
  if ((await rooms.isVisibleTo(room, socket.data.user.id)) && socket.rooms.has(name)) return;
  await socket.leave(name);
  throw new AppException('NOT_FOUND', 'Room not found');
}
