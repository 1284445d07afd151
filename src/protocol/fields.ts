import { z } from 'zod';
import { LIMITS } from './limits.js';

/** Fields of several payloads of `/chat` (and HTTP): room ids and `clientMsgId`s, message texts. */

/** Room ids and `clientMsgId`s. */
export const IdSchema = z
  .string()
  .min(1, 'is required')
  .max(LIMITS.idMax, `must be at most ${LIMITS.idMax} characters`);

/** A message's text, as stored: trimmed, and not empty. */
export const MessageTextSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.messageTextMax, `must be at most ${LIMITS.messageTextMax} characters`);
