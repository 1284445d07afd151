import type { Message, MessageDeletedEvent } from '@tether/client';
import type { RoomState } from './chat-client.js';

/**
 * Applies a changed message to what a room shows, unless it holds a newer state already (a live
 * event and a catch-up may both bring one change). True when something changed.
 */
export function applyUpdate(state: RoomState, message: Message): boolean {
  const index = state.messages.findIndex((m) => m.id === message.id);
  if (index < 0 || state.messages[index].rev >= message.rev) return false;
  state.messages[index] = message;
  return true;
}

/** A deletion as its tombstone: the text and reactions go, the place in history stays. */
export function applyDelete(state: RoomState, { messageId, rev }: MessageDeletedEvent): boolean {
  const index = state.messages.findIndex((m) => m.id === messageId);
  const held = state.messages[index];
  if (!held || held.rev >= rev) return false;
  const { editedAt: _edited, reactions: _reactions, ...rest } = held;
  state.messages[index] = { ...rest, text: '', deleted: true, rev };
  return true;
}

/** The newest message of `me` that can still be edited, for the Up arrow. */
export function lastOwn(state: RoomState, meId: string): Message | undefined {
  return state.messages.findLast((m) => m.author.id === meId && !m.deleted);
}
