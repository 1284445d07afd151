import type { Message, User } from '../protocol/models.js';

/** A change a store applied, or found already applied (`changed: false`: nothing to broadcast). */
export interface AppliedChange {
  message: Message;
  changed: boolean;
}

/** A reaction would give the message more distinct emoji than allowed. */
export class ReactionLimitError extends Error {
  constructor(readonly limit: number) {
    super(`a message carries at most ${limit} distinct emoji`);
    this.name = 'ReactionLimitError';
  }
}

/**
 * Changes to stored messages and the room's change sequence. Every change takes a fresh value of
 * the message id sequence as the message's `rev` while the room is locked, so within a room `rev`
 * grows in commit order across creations (whose `rev` is their id) and changes alike: once a
 * reader sees a `rev`, every smaller one of that room is visible too. Every implementation passes
 * `test/contracts/message-changes.contract.ts`.
 *
 * The methods taking a message answer `null` for a message that is not in that room (and, but for
 * `find` and `remove`, for a tombstone): the service decides what the caller is told.
 */
export interface MessageChangeStore {
  /** The message, tombstone or not. */
  find(roomId: string, messageId: string): Promise<Message | null>;
  /** New text and `editedAt`; the same text again changes nothing. */
  edit(roomId: string, messageId: string, text: string, at: Date): Promise<AppliedChange | null>;
  /** Makes it a tombstone: no text, no reactions. A tombstone again changes nothing. */
  remove(roomId: string, messageId: string): Promise<AppliedChange | null>;
  /**
   * Adds the user's reaction with `emoji` (once: again changes nothing).
   * @throws ReactionLimitError when it would be the message's `maxEmoji + 1`th distinct emoji
   */
  react(
    roomId: string,
    messageId: string,
    emoji: string,
    user: User,
    maxEmoji: number,
  ): Promise<AppliedChange | null>;
  /** Takes the user's reaction back (none: changes nothing). */
  unreact(roomId: string, messageId: string, emoji: string, userId: string): Promise<AppliedChange | null>;
  /** The room's newest position: the largest `rev` of its messages (`BEFORE_FIRST_MESSAGE` if none). */
  head(roomId: string): Promise<string>;
  /** Messages with `since < rev <= upTo`, in `rev` order, at most `limit`. */
  changesSince(roomId: string, since: string, upTo: string, limit: number): Promise<Message[]>;
}

export const MESSAGE_CHANGES = Symbol('MessageChangeStore');
