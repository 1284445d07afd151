import { z } from 'zod';
import { HealthChecksSchema } from './health.js';
import { LIMITS, RESERVED_USERNAMES, USERNAME_PATTERN } from './limits.js';
import { MessageIdSchema, MessageSchema, RoomSchema, RoomVisibilitySchema, UserSchema } from './models.js';
import { IdSchema, MessageTextSchema } from './socket.js';

/** Request bodies and queries of the HTTP API. Unknown fields are a VALIDATION error. */

/** A username as any account has one. */
const ExistingUsernameSchema = z
  .string()
  .min(LIMITS.usernameMin, `must be at least ${LIMITS.usernameMin} characters`)
  .max(LIMITS.usernameMax, `must be at most ${LIMITS.usernameMax} characters`)
  .regex(USERNAME_PATTERN, 'may contain only letters, digits, "_", "." and "-"');

/** A username for a new account. */
export const UsernameSchema = ExistingUsernameSchema.refine(
  (name) => !RESERVED_USERNAMES.includes(name.toLowerCase()),
  'is reserved',
);

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
  visibility: RoomVisibilitySchema,
});

export const AddMemberSchema = z.strictObject({ username: z.string().min(1).max(LIMITS.usernameMax) });

/** The server API's path parameters. */
export const UsernamePathSchema = z.strictObject({ username: ExistingUsernameSchema });
export const RoomIdPathSchema = z.strictObject({ roomId: IdSchema });

/** An operator's reset: the user's sessions end, so there is no current password to ask for. */
export const SetPasswordSchema = z.strictObject({ newPassword: NewPasswordSchema });

export const PublishMessageSchema = z.strictObject({
  text: MessageTextSchema,
  /** Makes the call idempotent: the same id again (for the same author) returns the stored message. */
  clientMsgId: IdSchema.optional(),
  /** The username of an existing user to post as; without it, the system author posts. */
  author: z
    .string()
    .min(1, 'is required')
    .max(LIMITS.usernameMax, `must be at most ${LIMITS.usernameMax} characters`)
    .optional(),
});

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
  rooms: z.array(RoomSchema),
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
export const MessageResponseSchema = z.object({ message: MessageSchema });
/** Instances that did not answer within the cluster's request timeout: what they hold is not counted. */
const MissingSchema = z.number().int().min(0);
export const PresenceResponseSchema = z.object({ online: z.array(UserSchema), missing: MissingSchema });
export const InstanceInfoSchema = z.object({
  /** `INSTANCE_ID` */
  id: z.string(),
  /** Sockets connected to `/chat` on this instance. */
  sockets: z.number().int().min(0),
  startedAt: z.iso.datetime(),
});
export const InfoResponseSchema = z.object({
  instances: z.array(InstanceInfoSchema),
  /** Sockets on every instance that answered. */
  sockets: z.number().int().min(0),
  missing: MissingSchema,
});
export const REGISTRATION_MODES = ['open', 'closed'] as const;
export const RegistrationResponseSchema = z.object({ registration: z.enum(REGISTRATION_MODES) });
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
export type SetPasswordInput = z.output<typeof SetPasswordSchema>;
export type PublishMessageInput = z.output<typeof PublishMessageSchema>;
export type PresenceResponse = z.output<typeof PresenceResponseSchema>;
export type InstanceInfo = z.output<typeof InstanceInfoSchema>;
export type InfoResponse = z.output<typeof InfoResponseSchema>;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];
