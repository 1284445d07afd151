import { z } from 'zod';
import { MESSAGE_ID_PATTERN } from './limits.js';

/** Message ids: 16-digit zero-padded sequence numbers, so string order is creation order. */
export const MessageIdSchema = z.string().regex(MESSAGE_ID_PATTERN, 'must be a message id');

/** Timestamps are ISO-8601 in UTC (`2026-01-31T12:00:00.000Z`). */
const TimestampSchema = z.iso.datetime();

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  /** Defaults to the username. */
  displayName: z.string(),
});

export const RoomVisibilitySchema = z.enum(['public', 'private']);

export const RoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  visibility: RoomVisibilitySchema,
  ownerId: z.string(),
  createdAt: TimestampSchema,
});

export const MessageSchema = z.object({
  /** Sorts as a string in creation order within a room. */
  id: MessageIdSchema,
  roomId: z.string(),
  author: UserSchema,
  text: z.string(),
  /** Chosen by the sender; unique per author, so a resend is recognised. */
  clientMsgId: z.string(),
  createdAt: TimestampSchema,
});

export type User = z.output<typeof UserSchema>;
export type RoomVisibility = z.output<typeof RoomVisibilitySchema>;
export type Room = z.output<typeof RoomSchema>;
export type Message = z.output<typeof MessageSchema>;
