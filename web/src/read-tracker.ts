import { el } from './dom.js';
import { session } from './api.js';
import type { RoomState } from './chat-client.js';
import type { RoomList } from './room-list.js';

/**
 * The open room's read position: a "New messages" divider where the user stopped reading when they
 * opened it (it stays there while the room is open), and the server's read marker, moved to the
 * newest message the user has seen.
 */
export class ReadTracker {
  private readonly divider = el(
    'li',
    { className: 'divider', id: 'new-messages' },
    el('span', {}, 'New messages'),
  );
  private roomId?: string;
  private readBefore: string | null = null;
  private me = '';
  /** The newest id each room's marker was moved to from this tab. */
  private readonly marked = new Map<string, string>();

  constructor(private readonly rooms: RoomList) {}

  open(roomId: string, lastReadId: string | null, me: string): void {
    this.roomId = roomId;
    this.readBefore = lastReadId;
    this.me = me;
  }

  /**
   * The rows with the divider before the first message of someone else after the marker. A room
   * never read before has none: all of it is new, and a line at its top would say nothing.
   */
  withDivider(rows: HTMLLIElement[]): HTMLLIElement[] {
    const after = this.readBefore;
    if (after === null) return rows;
    const index = rows.findIndex(
      (row) =>
        row.dataset.id !== undefined && row.dataset.id > after && !row.dataset.key?.startsWith(`${this.me}:`),
    );
    if (index < 0) return rows;
    return [...rows.slice(0, index), this.divider, ...rows.slice(index)];
  }

  /** The user has seen everything loaded in the room: move the marker there. */
  seen(state: RoomState): void {
    const roomId = state.room.id;
    const newest = state.messages[state.messages.length - 1]?.id;
    const known = this.marked.get(roomId) ?? this.rooms.get(roomId)?.lastReadId ?? '';
    if (roomId !== this.roomId || !newest || newest <= known) return;
    this.marked.set(roomId, newest);
    session.client.markRead(roomId, newest).then(
      (lastReadId) => lastReadId && this.rooms.read(roomId, lastReadId),
      () => this.marked.delete(roomId),
    );
  }
}
