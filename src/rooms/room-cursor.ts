import { LIMITS } from '../protocol/limits.js';
import type { Room } from '../protocol/models.js';
import type { RoomCursor } from './room-store.js';

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * `GET /rooms` cursors: opaque to clients (base64url of the last room's creation time and id), so
 * the ordering can change without breaking them. Keyset rather than offset: a page never repeats
 * or skips a room because rooms were created meanwhile.
 */
export function encodeRoomCursor(room: Pick<Room, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([room.createdAt, room.id])).toString('base64url');
}

/** The cursor, or null for anything this server did not hand out. */
export function decodeRoomCursor(cursor: string): RoomCursor | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [createdAt, id] = value as unknown[];
  if (typeof createdAt !== 'string' || !CREATED_AT.test(createdAt)) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.idMax) return null;
  return { createdAt, id };
}
