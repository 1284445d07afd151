import { z } from 'zod';
import { IdSchema, MessageTextSchema } from './fields.js';
import { LIMITS } from './limits.js';
import { MessageIdSchema, MessageSchema } from './models.js';

/** Editing, deleting and reacting to messages: payloads and server events of `/chat`. */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** The code points an emoji is built of: pictographs, skin tones, flags, ZWJ, VS16, keycaps, tags. */
const EMOJI_CODE_POINTS =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{fe0f}|\u{20e3}|[\u{200d}#*0-9\u{e0020}-\u{e007f}])+$/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[#*0-9]\ufe0f?\u20e3$/u;

/**
 * One emoji: exactly one extended grapheme cluster (so a ZWJ family, a skin tone or a flag is one),
 * built only of emoji code points, holding a pictograph, or being a flag or a keycap. Letters,
 * digits alone, spaces, controls and several emoji are not. Compared code point for code point.
 */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > LIMITS.emojiMax || !EMOJI_CODE_POINTS.test(value)) return false;
  let clusters = 0;
  for (const _ of graphemes.segment(value)) if (++clusters > 1) return false;
  return /\p{Extended_Pictographic}/u.test(value) || FLAG.test(value) || KEYCAP.test(value);
}

export const EmojiSchema = z
  .string()
  .max(LIMITS.emojiMax, `must be at most ${LIMITS.emojiMax} characters`)
  .refine(isSingleEmoji, 'must be a single emoji');

export const MessageRefSchema = z.strictObject({ roomId: IdSchema, messageId: MessageIdSchema });

export const MessageEditSchema = z.strictObject({
  roomId: IdSchema,
  messageId: MessageIdSchema,
  text: MessageTextSchema,
});

export const ReactionPayloadSchema = z.strictObject({
  roomId: IdSchema,
  messageId: MessageIdSchema,
  emoji: EmojiSchema,
});

export const MessageResultSchema = z.object({ message: MessageSchema });

export const MessageUpdatedEventSchema = z.object({ message: MessageSchema });
export const MessageDeletedEventSchema = z.object({
  roomId: z.string(),
  messageId: MessageIdSchema,
  /** The deletion's change position (the tombstone's `rev`). */
  rev: MessageIdSchema,
});

export const MESSAGE_CHANGE_EVENTS = {
  'message:edit': {
    summary:
      'Edit one\u2019s own message (validated like a send). The same text again changes nothing and broadcasts nothing.',
    payload: MessageEditSchema,
    result: MessageResultSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED'],
  },
  'message:delete': {
    summary:
      'Delete a message (its author, or the room\u2019s owner): it stays as a tombstone. Deleting a tombstone changes nothing.',
    payload: MessageRefSchema,
    result: MessageResultSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED'],
  },
  'reaction:add': {
    summary: 'React with one emoji; once per user, message and emoji (again changes nothing).',
    payload: ReactionPayloadSchema,
    result: MessageResultSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'LIMIT_REACHED'],
  },
  'reaction:remove': {
    summary: 'Take one\u2019s reaction back (none to take back changes nothing).',
    payload: ReactionPayloadSchema,
    result: MessageResultSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED'],
  },
} as const;

export const MESSAGE_CHANGE_SERVER_EVENTS = {
  'message:updated': {
    summary:
      'A message of a joined room was edited or its reactions changed; to every socket in it but the changer\u2019s, on every instance.',
    payload: MessageUpdatedEventSchema,
  },
  'message:deleted': {
    summary:
      'A message of a joined room was deleted; to every socket in it but the deleter\u2019s, on every instance.',
    payload: MessageDeletedEventSchema,
  },
} as const;

export type MessageEditPayload = z.input<typeof MessageEditSchema>;
export type ReactionPayload = z.input<typeof ReactionPayloadSchema>;
export type MessageDeletedEvent = z.output<typeof MessageDeletedEventSchema>;
