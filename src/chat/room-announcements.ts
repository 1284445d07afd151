import type { Room, User } from '../protocol/models.js';
import type { OpenedDirect } from '../rooms/conversations.service.js';
import type { RoomManagementService } from '../rooms/room-management.service.js';
import type { LeaveOutcome } from '../rooms/room-store.js';
import type { RoomFanout } from './room-fanout.js';

/** What both transports announce when a direct room opens: each of the pair sees it with the other as peer. */
export function announceDirect(fanout: RoomFanout, openerId: string, opened: OpenedDirect): void {
  if (!opened.created) return;
  fanout.added({ everyone: false, userIds: [openerId] }, opened.forOpener);
  if (opened.peerId !== openerId) fanout.added({ everyone: false, userIds: [opened.peerId] }, opened.forPeer);
}

/** A departure: the leaver's sockets go, and a new owner is news to everyone left. */
export async function announceLeave(
  fanout: RoomFanout,
  management: RoomManagementService,
  user: User,
  roomId: string,
  { outcome, handedOver }: { outcome: LeaveOutcome; handedOver?: Room },
): Promise<void> {
  if (!outcome.left) return;
  fanout.removed(user, roomId);
  if (handedOver) fanout.updated(await management.audience(handedOver), handedOver);
}
