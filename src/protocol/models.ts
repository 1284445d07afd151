import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.js';

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
});

export const RoomVisibilitySchema = z.enum(['public', 'private']);

export const RoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  visibility: RoomVisibilitySchema,
  ownerId: z.string(),
  createdAt: z.string(),
});

export const MessageSchema = z.object({
  /** Sorts as a string in creation order within a room. */
  id: z.string(),
  roomId: z.string(),
  author: UserSchema,
  text: z.string(),
  clientMsgId: z.string(),
  createdAt: z.string(),
});

export const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.unknown().optional(),
});

export type User = z.output<typeof UserSchema>;
export type RoomVisibility = z.output<typeof RoomVisibilitySchema>;
export type Room = z.output<typeof RoomSchema>;
export type Message = z.output<typeof MessageSchema>;
