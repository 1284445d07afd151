import type { Room, RoomVisibility } from '../protocol/models.js';

export interface NewRoom {
  name: string;
  visibility: RoomVisibility;
  ownerId: string;
}

/** Where a page of rooms starts: just after the room with this creation time and id. */
export interface RoomCursor {
  createdAt: string;
  id: string;
}

export interface RoomPage {
  after?: RoomCursor;
  limit: number;
}

export class OwnedRoomLimitError extends Error {
  constructor(readonly limit: number) {
    super(`owner already has ${limit} rooms`);
    this.name = 'OwnedRoomLimitError';
  }
}

/** Rooms and their members. Every implementation passes `test/contracts/room-store.contract.ts`. */
export interface RoomStore {
  /**
   * Creates the room with the owner as its first member, unless the owner already owns `maxOwned`
   * rooms. The count and the insert are one step: concurrent creations, from any process, never
   * take an owner past `maxOwned`.
   *
   * @param maxOwned @default unlimited
   * @throws OwnedRoomLimitError
   */
  create(room: NewRoom, maxOwned?: number): Promise<Room>;
  findById(id: string): Promise<Room | null>;
  /**
   * Public rooms plus the private rooms the user is a member of, oldest first (by creation time,
   * then id): the first `limit` of them after `after`, if given.
   */
  listVisibleTo(userId: string, page: RoomPage): Promise<Room[]>;
  /** Idempotent. */
  addMember(roomId: string, userId: string): Promise<void>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Creates the public `general` room unless it exists; safe for processes booting together. */
  ensureGeneral(): Promise<Room>;
}

export const ROOM_STORE = Symbol('RoomStore');
