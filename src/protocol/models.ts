import { z } from 'zod';
import { MESSAGE_ID_PATTERN } from './limits.js';

export { IdSchema } from './fields.js';

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

/** One emoji on a message: how many users reacted with it, and the first of them. */
export const ReactionSchema = z.object({
  emoji: z.string(),
  count: z.number().int().min(1),
  /** The first `LIMITS.reactionUsersShown` users who reacted with it, in the order they did. */
  users: z.array(UserSchema),
});

/** `direct`: the conversation of two users (`dm:open`); like a private room, only they see it. */
export const RoomVisibilitySchema = z.enum(['public', 'private', 'direct']);

export const RoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  visibility: RoomVisibilitySchema,
  ownerId: z.string(),
  createdAt: TimestampSchema,
  /** Absent until the owner sets one. */
  topic: z.string().optional(),
  /** Direct rooms: the other user of the pair (oneself, in a conversation with oneself). */
  peer: UserSchema.optional(),
});

/** A room as `GET /rooms` lists it: with the caller's read marker and what is unread after it. */
export const RoomSummarySchema = RoomSchema.extend({
  /** The newest message this user has read here; null before the first `room:read`. */
  lastReadId: MessageIdSchema.nullable(),
  /** Others' messages after the marker, counted up to `LIMITS.unreadCountMax` (which means "at least"). */
  unreadCount: z.number().int().min(0),
  /** Messages after the marker that mention this user, counted up to `LIMITS.unreadCountMax`. */
  mentionCount: z.number().int().min(0),
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
  /**
   * The room's change position of this message's latest change (its creation, an edit, the
   * deletion, a reaction): a `since` cursor of the same form as ids. Equal to `id` until it changes.
   */
  rev: MessageIdSchema,
  /** When the text was last edited; absent if never. */
  editedAt: TimestampSchema.optional(),
  /** A tombstone: the message was deleted; `text` is empty and it carries no reactions. */
  deleted: z.literal(true).optional(),
  /** Absent when there are none; at most `LIMITS.reactionEmojiMax` emoji, by their earliest standing reaction. */
  reactions: z.array(ReactionSchema).optional(),
});

export type User = z.output<typeof UserSchema>;
export type RoomVisibility = z.output<typeof RoomVisibilitySchema>;
export type Room = z.output<typeof RoomSchema>;
export type RoomSummary = z.output<typeof RoomSummarySchema>;
export type Message = z.output<typeof MessageSchema>;
export type Reaction = z.output<typeof ReactionSchema>;
