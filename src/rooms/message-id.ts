import { MESSAGE_ID_DIGITS } from '../protocol/limits.js';

/**
 * Message ids are a global sequence number, zero-padded so that string order is numeric order:
 * within a room the order messages were committed in (`MessageStore.append` states the guarantee),
 * across rooms the order their ids were taken in. Every store uses this one format
 * (`MESSAGE_ID_PATTERN`).
 */
export function formatMessageId(seq: number): string {
  return String(seq).padStart(MESSAGE_ID_DIGITS, '0');
}

export function parseMessageId(id: string): number {
  return Number(id);
}
