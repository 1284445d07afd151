import { z } from 'zod';
import { HealthChecksSchema } from './health.js';
import { LIMITS, USERNAME_PATTERN } from './limits.js';
import {
  MessageIdSchema,
  MessageSchema,
  RoomSchema,
  RoomSummarySchema,
  RoomVisibilitySchema,
  UserSchema,
} from './models.js';

/** Request bodies and queries of the HTTP API. Unknown fields are a VALIDATION error. */

export const UsernameSchema = z
  .string()
  .min(LIMITS.usernameMin, `must be at least ${LIMITS.usernameMin} characters`)
  .max(LIMITS.usernameMax, `must be at most ${LIMITS.usernameMax} characters`)
  .regex(USERNAME_PATTERN, 'may contain only letters, digits, "_", "." and "-"');

const NewPasswordSchema = z
  .string()
  .min(LIMITS.passwordMin, `must be at least ${LIMITS.passwordMin} characters`)
  .max(LIMITS.passwordMax, `must be at most ${LIMITS.passwordMax} characters`);

export const RegisterSchema = z.strictObject({
  username: UsernameSchema,
  password: NewPasswordSchema,
  displayName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.displayNameMax, `must be at most ${LIMITS.displayNameMax} characters`)
    .optional(),
});

/** Any string lengths, so a short password fails as INVALID_CREDENTIALS, not VALIDATION. */
export const LoginSchema = z.strictObject({
  username: z
    .string()
    .min(1, 'is required')
    .max(LIMITS.loginUsernameMax, `must be at most ${LIMITS.loginUsernameMax} characters`),
  password: z
    .string()
    .min(1, 'is required')
    .max(LIMITS.passwordMax, `must be at most ${LIMITS.passwordMax} characters`),
});

export const ChangePasswordSchema = z.strictObject({
  currentPassword: z
    .string()
    .min(1, 'is required')
    .max(LIMITS.passwordMax, `must be at most ${LIMITS.passwordMax} characters`),
  newPassword: NewPasswordSchema,
});

/** Endpoints that take no input refuse anything sent rather than ignore it. */
export const EmptyBodySchema = z.strictObject({}).optional();

export const CreateRoomSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.roomNameMax, `must be at most ${LIMITS.roomNameMax} characters`),
  /** Direct rooms are opened with `POST /rooms/direct`, not created. */
  visibility: RoomVisibilitySchema.exclude(['direct']),
});

export const AddMemberSchema = z.strictObject({ username: z.string().min(1).max(LIMITS.usernameMax) });

/** Query strings arrive as strings; `limit` is parsed here. */
export const MessagesQuerySchema = z.strictObject({
  after: MessageIdSchema.optional(),
  before: MessageIdSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${LIMITS.historyPageMax}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'must be at least 1')
        .max(LIMITS.historyPageMax, `must be at most ${LIMITS.historyPageMax}`),
    )
    .default(LIMITS.historyPageDefault),
});

/** `GET /rooms`: pages of rooms, oldest first; `cursor` is a previous page's `nextCursor`. */
export const RoomsQuerySchema = z.strictObject({
  cursor: z
    .string()
    .max(LIMITS.roomsCursorMax, 'is not a cursor from a previous page')
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from a previous page')
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${LIMITS.roomsPageMax}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'must be at least 1')
        .max(LIMITS.roomsPageMax, `must be at most ${LIMITS.roomsPageMax}`),
    )
    .default(LIMITS.roomsPageDefault),
});

/** Response bodies. */
export const UserResponseSchema = z.object({ user: UserSchema });
export const RoomResponseSchema = z.object({ room: RoomSchema });
/** `nextCursor` is null on the last page. */
export const RoomsResponseSchema = z.object({
  rooms: z.array(RoomSummarySchema),
  nextCursor: z.string().nullable(),
});
export const MessagesResponseSchema = z.object({ messages: z.array(MessageSchema) });
export const TicketResponseSchema = z.object({
  /** Present it once as the socket's `auth: {ticket}`. */
  ticket: z.string(),
  expiresAt: z.iso.datetime(),
});
export const TokenResponseSchema = z.object({
  /** An HS256 JWT: `auth: {token}` on the socket, `Authorization: Bearer` over HTTP. */
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds from now. */
  expiresIn: z.number().int().min(0),
});
export const LivenessResponseSchema = z.object({ status: z.literal('ok'), instance: z.string() });
export const HealthResponseSchema = LivenessResponseSchema.extend({ checks: HealthChecksSchema });
export const ProtocolInfoSchema = z.object({
  /** The contract's `MAJOR.MINOR.PATCH`; a client refuses a major it does not speak. */
  version: z.string(),
  /** Where this server publishes its OpenAPI and AsyncAPI documents and their readable page. */
  openapi: z.string(),
  asyncapi: z.string(),
  docs: z.string(),
});

export type RegisterInput = z.output<typeof RegisterSchema>;
export type LoginInput = z.output<typeof LoginSchema>;
export type ChangePasswordInput = z.output<typeof ChangePasswordSchema>;
export type CreateRoomInput = z.output<typeof CreateRoomSchema>;
export type AddMemberInput = z.output<typeof AddMemberSchema>;
export type MessagesQuery = z.output<typeof MessagesQuerySchema>;
export type RoomsQuery = z.output<typeof RoomsQuerySchema>;
export type RoomsResponse = z.output<typeof RoomsResponseSchema>;
export type ProtocolInfo = z.output<typeof ProtocolInfoSchema>;
