/**
 * Message ids are a global sequence number, zero-padded so that string order is creation order
 * (within a room and across rooms). Every store uses this one format (`MESSAGE_ID_PATTERN`).
 */
const WIDTH = 16;

export function formatMessageId(seq: number): string {
  return String(seq).padStart(WIDTH, '0');
}

export function parseMessageId(id: string): number {
  return Number(id);
}
