import type { Room, RoomVisibility } from '../protocol/models.js';

export interface NewRoom {
  name: string;
  /** Direct rooms come from `openDirect`. */
  visibility: Exclude<RoomVisibility, 'direct'>;
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

/** What an owner may change; an empty topic clears it. */
export interface RoomChanges {
  name?: string;
  topic?: string;
}

/** Members come in user id order; `after` is the last id of the previous page. */
export interface MemberPage {
  after?: string;
  limit: number;
}

export type LeaveOutcome =
  | { left: false }
  /** `room` after the departure: with a new owner if the owner left. */
  | { left: true; room: Room }
  /** The last member left: the room is archived (history kept, visible to no one). */
  | { left: true; archived: true };

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
   * unarchived rooms. The count and the insert are one step: concurrent creations, from any process, never
   * take an owner past `maxOwned`.
   *
   * @param maxOwned @default unlimited
   * @throws OwnedRoomLimitError
   */
  create(room: NewRoom, maxOwned?: number): Promise<Room>;
  findById(id: string): Promise<Room | null>;
  /**
   * Public rooms plus the private and direct rooms the user is a member of (archived ones never),
   * oldest first (by creation time,
   * then id): the first `limit` of them after `after`, if given.
   */
  listVisibleTo(userId: string, page: RoomPage): Promise<Room[]>;
  /** Idempotent; true when the user was not a member before. */
  addMember(roomId: string, userId: string): Promise<boolean>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * The direct room of two users (the same one whichever order they come in), created with both
   * as members and `ownerId` the opener unless it exists. One per pair: concurrent calls, from any
   * process, all return the same room, `created` true for exactly one of them. A pair member who
   * left is a member again.
   */
  openDirect(openerId: string, peerId: string, name: string): Promise<{ room: Room; created: boolean }>;
  /** The pair of a direct room (opener first); null for other rooms. */
  directPair(roomId: string): Promise<[string, string] | null>;
  /** Null when the room does not exist. */
  update(roomId: string, changes: RoomChanges): Promise<Room | null>;
  /** True when the user was a member. */
  removeMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * Removes the member; if they owned the room, it passes to the member who joined it first of
   * those left, and with no one left it is archived. One step, so two departures at once cannot
   * both hand the room to each other.
   */
  leave(roomId: string, userId: string): Promise<LeaveOutcome>;
  listMembers(roomId: string, page: MemberPage): Promise<string[]>;
  /** Creates the public `general` room unless it exists; safe for processes booting together. */
  ensureGeneral(): Promise<Room>;
}

export const ROOM_STORE = Symbol('RoomStore');
