/**
 * Message ids are a global sequence number, zero-padded so that string order is creation order
 * (within a room and across rooms). Every store uses this one format.
 */
const WIDTH = 16;

export const MESSAGE_ID_PATTERN = /^\d{16}$/;

export function formatMessageId(seq: number): string {
  return String(seq).padStart(WIDTH, '0');
}

export function parseMessageId(id: string): number {
  return Number(id);
}
