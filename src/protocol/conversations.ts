import { z } from 'zod';
import { LIMITS, USERNAME_PATTERN } from './limits.js';
import { IdSchema, MessageIdSchema, MessageSchema, RoomSchema, UserSchema } from './models.js';

/**
 * Conversations: direct rooms, read markers, mentions and room management, on both transports.
 * `socket.ts` and `routes.ts` take these into their tables.
 */

/** Someone to open a direct room with, or to remove: any string a username could be. */
export const UsernameRefSchema = z
  .string()
  .min(1, 'is required')
  .max(LIMITS.usernameMax, `must be at most ${LIMITS.usernameMax} characters`)
  .regex(USERNAME_PATTERN, 'may contain only letters, digits, "_", "." and "-"');

export const DirectOpenSchema = z.strictObject({ username: UsernameRefSchema });

/** Moves the read marker to this message (or the newest of the room before it); never backwards. */
export const MarkReadSchema = z.strictObject({ messageId: MessageIdSchema });
export const RoomReadSchema = MarkReadSchema.extend({ roomId: IdSchema });

const RoomNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.roomNameMax, `must be at most ${LIMITS.roomNameMax} characters`);

/** At least one of the two; an empty `topic` clears it. */
export const UpdateRoomSchema = z
  .strictObject({
    name: RoomNameSchema.optional(),
    topic: z
      .string()
      .trim()
      .max(LIMITS.roomTopicMax, `must be at most ${LIMITS.roomTopicMax} characters`)
      .optional(),
  })
  .refine((body) => body.name !== undefined || body.topic !== undefined, {
    message: 'give a name, a topic or both',
  });

/** `after` is a previous page's `nextCursor`: members come in a stable order (by user id). */
export const MembersQuerySchema = z.strictObject({
  after: IdSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${LIMITS.membersPageMax}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'must be at least 1')
        .max(LIMITS.membersPageMax, `must be at most ${LIMITS.membersPageMax}`),
    )
    .default(LIMITS.membersPageDefault),
});

export const MemberPathSchema = z.strictObject({ id: z.string().min(1), username: z.string().min(1) });

export const ReadMarkerSchema = z.object({ lastReadId: MessageIdSchema.nullable() });
export const MembersResponseSchema = z.object({
  members: z.array(UserSchema),
  /** The next page's `after`; null on the last page. */
  nextCursor: z.string().nullable(),
});

export type DirectOpenInput = z.output<typeof DirectOpenSchema>;
export type MarkReadInput = z.output<typeof MarkReadSchema>;
export type UpdateRoomInput = z.output<typeof UpdateRoomSchema>;
export type MembersQuery = z.output<typeof MembersQuerySchema>;
export type MembersResponse = z.output<typeof MembersResponseSchema>;

export const CONVERSATION_CLIENT_EVENTS = {
  'dm:open': {
    summary:
      'The direct room of this user and `username`, created by whichever of the two opens it first; the other gets `room:added`.',
    payload: DirectOpenSchema,
    result: z.object({ room: RoomSchema }),
    errors: ['NOT_FOUND'],
  },
  'room:read': {
    summary:
      'Move this user\u2019s read marker forward to `messageId` (or the newest message of the room before it); the user\u2019s other sockets get `room:read`.',
    payload: RoomReadSchema,
    result: ReadMarkerSchema,
    errors: ['NOT_FOUND'],
  },
} as const;

export const CONVERSATION_SERVER_EVENTS = {
  'room:added': {
    summary:
      'A room became visible to this user: they were added to it, a direct room opened with them, or a public room was created.',
    payload: z.object({ room: RoomSchema }),
  },
  'room:updated': {
    summary: 'A room this user can see was renamed, got a new topic or a new owner.',
    payload: z.object({ room: RoomSchema }),
  },
  'room:removed': {
    summary: 'This user left or was removed from a room: their sockets already left it on every instance.',
    payload: z.object({ roomId: z.string() }),
  },
  'room:read': {
    summary: 'This user\u2019s read marker in a room moved (from another of their sockets or devices).',
    payload: z.object({ roomId: z.string(), lastReadId: MessageIdSchema }),
  },
  mention: {
    summary: 'A message in a room this user can see mentions them (`@username`).',
    payload: z.object({ roomId: z.string(), message: MessageSchema }),
  },
} as const;
