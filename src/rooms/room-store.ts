import type { Room, RoomVisibility } from '../protocol/models.js';

export interface NewRoom {
  name: string;
  visibility: RoomVisibility;
  ownerId: string;
}

/** Rooms and their members. Every implementation passes `test/contracts/room-store.contract.ts`. */
export interface RoomStore {
  /** Creates the room with the owner as its first member. */
  create(room: NewRoom): Promise<Room>;
  findById(id: string): Promise<Room | null>;
  /** Public rooms plus the private rooms the user is a member of, oldest first. */
  listVisibleTo(userId: string): Promise<Room[]>;
  /** Idempotent. */
  addMember(roomId: string, userId: string): Promise<void>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Creates the public `general` room unless it exists; safe for processes booting together. */
  ensureGeneral(): Promise<Room>;
}

export const ROOM_STORE = Symbol('RoomStore');
