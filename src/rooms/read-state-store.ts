/** A user's position in one room. */
export interface ReadState {
  /** The newest message id read; null before the first. */
  lastReadId: string | null;
  /** Others' messages after the marker, up to the cap asked for. */
  unreadCount: number;
  /** Messages after the marker that mention the user, up to the cap asked for. */
  mentionCount: number;
}

export interface MarkerMove {
  lastReadId: string | null;
  moved: boolean;
}

/**
 * Read markers and mentions, per user and room. Every implementation passes
 * `test/contracts/read-state-store.contract.ts`.
 *
 * Counting is bounded by the unread part only: a range of the messages' `(room, id)` index after
 * the marker, stopped at `cap`, never a scan of the room's history.
 */
export interface ReadStateStore {
  /**
   * Moves the user's marker to the newest message of the room with an id at most `messageId`,
   * unless the marker is already there or further: it never moves back, and never past the
   * room's newest message. Returns the marker afterwards (null if the room has no such message),
   * and whether this call moved it (what the user's other devices need to hear about).
   */
  markRead(userId: string, roomId: string, messageId: string): Promise<MarkerMove>;
  /** One entry per room asked for, in that order. */
  stateOf(userId: string, roomIds: readonly string[], cap: number): Promise<ReadState[]>;
  /** Idempotent per (user, message). */
  recordMentions(roomId: string, messageId: string, userIds: readonly string[]): Promise<void>;
}

export const READ_STATE_STORE = Symbol('ReadStateStore');
