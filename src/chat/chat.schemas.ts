import { z } from 'zod';
import { MESSAGE_ID_PATTERN } from './message-id.js';

const id = z.string().min(1, 'is required').max(64, 'must be at most 64 characters');
const messageId = z.string().regex(MESSAGE_ID_PATTERN, 'must be a message id');

export const CreateRoomSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  visibility: z.enum(['public', 'private']),
});

export const AddMemberSchema = z.strictObject({ username: z.string().min(1).max(32) });

/** Query strings arrive as strings; `limit` is parsed here. */
export const MessagesQuerySchema = z.strictObject({
  after: messageId.optional(),
  before: messageId.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'))
    .default(50),
});

export const RoomRefSchema = z.strictObject({ roomId: id });

export const RoomJoinSchema = z.strictObject({ roomId: id, after: messageId.optional() });

export const MessageSendSchema = z.strictObject({
  roomId: id,
  text: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  clientMsgId: id,
});

export const MessagesFetchSchema = z.strictObject({
  roomId: id,
  after: messageId.optional(),
  before: messageId.optional(),
  limit: z.number().int('must be a whole number').min(1).max(100).default(50),
});

export type CreateRoomInput = z.output<typeof CreateRoomSchema>;
export type AddMemberInput = z.output<typeof AddMemberSchema>;
export type MessagesQuery = z.output<typeof MessagesQuerySchema>;
