import { z } from 'zod';
import { LIMITS } from './limits.js';
import { MessageTextSchema } from './fields.js';
import { MessageIdSchema, MessageSchema } from './models.js';

/** HTTP bodies and queries of editing, deleting and searching messages. */

export const MessagePathSchema = z.strictObject({ id: z.string().min(1), messageId: MessageIdSchema });

export const EditMessageSchema = z.strictObject({ text: MessageTextSchema });

const pageNumber = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .default(fallback);

/**
 * `GET /search`: words and `"quoted phrases"`, all of which must occur (see docs/protocol.md,
 * "Search"); nothing else in `q` has a meaning. `cursor` is a previous page's `nextCursor`.
 */
export const SearchQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.searchQueryMax, `must be at most ${LIMITS.searchQueryMax} characters`),
  roomId: z.string().min(1).max(LIMITS.idMax).optional(),
  /** Only messages older than this id. */
  before: MessageIdSchema.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,4}$/, 'is not a cursor from a previous page')
    .transform(Number)
    .pipe(z.number().max(LIMITS.searchDepthMax, 'is not a cursor from a previous page'))
    .optional(),
  limit: pageNumber(LIMITS.searchPageMax, LIMITS.searchPageDefault),
});

/** Best match first; `nextCursor` is null on the last page (or at `LIMITS.searchDepthMax`). */
export const SearchResponseSchema = z.object({
  results: z.array(MessageSchema),
  nextCursor: z.string().nullable(),
});

export type EditMessageInput = z.output<typeof EditMessageSchema>;
export type SearchQuery = z.output<typeof SearchQuerySchema>;
export type SearchResponse = z.output<typeof SearchResponseSchema>;
