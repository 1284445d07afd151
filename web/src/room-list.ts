import { LIMITS, type Message, type Room, type RoomSummary, type TetherClient } from '@tether/client';
import { allRooms } from './api.js';
import { byId, el } from './dom.js';

/** How a room is named in lists and titles: a direct room by the other person. */
export function roomLabel(room: Room): string {
  return room.visibility === 'direct' ? `@ ${room.peer?.displayName ?? room.name}` : `# ${room.name}`;
}

/** Events in a burst (a marker moved on several devices) cost one `GET /rooms`. */
const RELOAD_AFTER_MS = 120;

const count = (n: number) => (n >= LIMITS.unreadCountMax ? `${LIMITS.unreadCountMax}+` : String(n));

/**
 * The rooms and direct conversations of the user, with the server's unread and mention counts:
 * loaded from `GET /rooms`, kept live by `room:added`, `room:updated`, `room:removed`, `room:read`
 * and `mention`, and by the messages the tab sees in rooms it is not looking at.
 */
export class RoomList {
  private readonly roomsEl = byId<HTMLUListElement>('room-list');
  private readonly directEl = byId<HTMLUListElement>('direct-list');
  private summaries = new Map<string, RoomSummary>();
  private activeId?: string;
  private reload?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly onOpen: (roomId: string) => void,
    private readonly onChange: () => void,
  ) {}

  /** Listens to the client's room events; returns nothing to undo, as a client lives as long as its tab. */
  listen(tether: TetherClient, onRemoved: (roomId: string) => void): void {
    // A new room's counts (history written before we could see it) are the server's to say.
    tether.on('room:added', () => this.reloadSoon());
    tether.on('room:read', () => this.reloadSoon());
    tether.on('room:updated', ({ room }) => {
      const known = this.summaries.get(room.id);
      if (known) this.set({ ...known, ...room, topic: room.topic, peer: room.peer ?? known.peer });
    });
    tether.on('room:removed', ({ roomId }) => {
      this.summaries.delete(roomId);
      this.render();
      onRemoved(roomId);
    });
    tether.on('mention', ({ roomId }) => {
      const known = this.summaries.get(roomId);
      if (known && roomId !== this.activeId) this.set({ ...known, mentionCount: known.mentionCount + 1 });
    });
  }

  async load(): Promise<void> {
    const rooms = await allRooms();
    this.summaries = new Map(rooms.map((r) => [r.id, r]));
    this.render();
  }

  get(roomId: string): RoomSummary | undefined {
    return this.summaries.get(roomId);
  }

  get all(): RoomSummary[] {
    return [...this.summaries.values()];
  }

  /** A room just learned of (created here, or opened as a direct room) before the server lists it. */
  add(room: Room): void {
    if (!this.summaries.has(room.id))
      this.set({ ...room, lastReadId: null, unreadCount: 0, mentionCount: 0 });
  }

  setActive(roomId: string | undefined): void {
    this.activeId = roomId;
    this.render();
  }

  /** Live messages of a room not on screen. */
  unseen(roomId: string, messages: Message[]): void {
    const known = this.summaries.get(roomId);
    if (known && messages.length > 0)
      this.set({ ...known, unreadCount: known.unreadCount + messages.length });
  }

  /** This tab read up to `lastReadId`. */
  read(roomId: string, lastReadId: string): void {
    const known = this.summaries.get(roomId);
    if (known) this.set({ ...known, lastReadId, unreadCount: 0, mentionCount: 0 });
  }

  /** Rooms with something unread, for the tab title. */
  get unreadTotal(): number {
    return this.all.reduce((sum, r) => sum + r.unreadCount, 0);
  }

  private reloadSoon(): void {
    clearTimeout(this.reload);
    this.reload = setTimeout(() => void this.load().catch(() => undefined), RELOAD_AFTER_MS);
  }

  private set(summary: RoomSummary): void {
    this.summaries.set(summary.id, summary);
    this.render();
  }

  private render(): void {
    const rows = (rooms: RoomSummary[]) => rooms.map((room) => this.row(room));
    const rooms = this.all;
    this.roomsEl.replaceChildren(...rows(rooms.filter((r) => r.visibility !== 'direct')));
    this.directEl.replaceChildren(...rows(rooms.filter((r) => r.visibility === 'direct')));
    this.onChange();
  }

  private row(room: RoomSummary): HTMLLIElement {
    const button = el(
      'button',
      {
        type: 'button',
        'data-room-id': room.id,
        'data-unread': String(room.unreadCount),
        className: 'room-button',
      },
      el('span', { className: 'room-name' }, roomLabel(room)),
      room.visibility === 'private' ? el('span', { className: 'tag' }, 'private') : '',
      room.mentionCount > 0
        ? el('span', { className: 'badge mention', title: 'mentions' }, `@${count(room.mentionCount)}`)
        : '',
      room.unreadCount > 0 ? el('span', { className: 'badge' }, `${count(room.unreadCount)} new`) : '',
    );
    if (room.id === this.activeId) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => this.onOpen(room.id));
    return el('li', {}, button);
  }
}
