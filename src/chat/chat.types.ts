import type { User } from '../users/user-store.js';

export type { User };

export type RoomVisibility = 'public' | 'private';

export interface Room {
  id: string;
  name: string;
  visibility: RoomVisibility;
  ownerId: string;
  createdAt: string;
}

export interface Message {
  /** Sorts as a string in creation order within a room. */
  id: string;
  roomId: string;
  author: User;
  text: string;
  clientMsgId: string;
  createdAt: string;
}

/** The id of the public room every installation starts with. */
export const GENERAL_ROOM_ID = 'general';
