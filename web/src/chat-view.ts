import { GENERAL_ROOM_ID, LIMITS, TetherError, type Message, type Room, type User } from '@tether/client';
import { allRooms, describeError, session } from './api.js';
import { ChatClient, type ChatChange, type PendingMessage, type RoomState } from './chat-client.js';
import { byId, el, field, formatTime, say } from './dom.js';
import { MessageActions } from './message-actions.js';
import { messageRow } from './message-row.js';
import { SearchView } from './search-view.js';

const NEAR_TOP_PX = 48;
const NEAR_BOTTOM_PX = 48;

/** The room list, the open room (messages, presence, typing) and the composer. */
export class ChatView {
  private readonly screen = byId('chat-screen');
  private readonly roomList = byId<HTMLUListElement>('room-list');
  private readonly roomTitle = byId('room-title');
  private readonly roomMeta = byId('room-meta');
  private readonly scroller = byId('message-scroller');
  private readonly list = byId<HTMLOListElement>('message-list');
  private readonly loadOlder = byId<HTMLButtonElement>('load-older');
  private readonly historyStart = byId('history-start');
  private readonly typing = byId('typing');
  private readonly presence = byId<HTMLUListElement>('presence-list');
  private readonly composer = byId<HTMLFormElement>('composer');
  private readonly text = byId<HTMLTextAreaElement>('composer-text');
  private readonly composerError = byId('composer-error');
  private readonly memberForm = byId<HTMLFormElement>('member-form');
  private readonly rows = new Map<string, HTMLLIElement>();
  private client?: ChatClient;
  private rooms: Room[] = [];
  private activeId?: string;
  private keepBottomOffset = false;
  private readonly actions = new MessageActions(
    () => ({ client: this.client, roomId: this.activeId }),
    this.list,
  );

  constructor(private readonly onSessionLost: (notice: string) => void) {
    new SearchView(
      (roomId) => this.rooms.find((r) => r.id === roomId)?.name ?? roomId,
      (roomId, messageId) => this.openAt(roomId, messageId),
    );
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendCurrent();
    });
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendCurrent();
      }
    });
    this.text.addEventListener('input', () => {
      if (this.activeId && this.text.value.trim() !== '') this.client?.typing(this.activeId);
    });
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < NEAR_TOP_PX) void this.older();
    });
    this.loadOlder.addEventListener('click', () => void this.older());
    this.list.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-retry]');
      if (button && this.activeId) this.client?.retry(this.activeId, button.dataset.retry ?? '');
    });
    byId('rooms-refresh').addEventListener('click', () => void this.refreshRooms());
    byId<HTMLFormElement>('room-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.createRoom(event.currentTarget as HTMLFormElement);
    });
    this.memberForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.addMember();
    });
  }

  /** Enters the chat screen as `user`: loads the rooms, opens `general` and connects the socket. */
  async show(client: ChatClient): Promise<void> {
    this.client = client;
    this.screen.hidden = false;
    this.activeId = undefined;
    this.rows.clear();
    this.list.replaceChildren();
    this.presence.replaceChildren();
    say(this.typing, '');
    client.start();
    await this.refreshRooms();
    const first = this.rooms.find((r) => r.id === GENERAL_ROOM_ID) ?? this.rooms[0];
    if (first) await this.openRoom(first.id);
  }

  hide(): void {
    this.screen.hidden = true;
    this.client = undefined;
    this.setComposerEnabled(false);
  }

  handle(change: ChatChange): void {
    if (change.type !== 'room' || !this.client) return;
    const state = this.client.rooms.get(change.roomId);
    if (!state) return;
    if (change.roomId !== this.activeId) {
      state.unread += change.newMessages?.length ?? 0;
      this.renderRoomList();
      return;
    }
    this.renderRoom(state);
  }

  /** Rooms may have changed on reconnect (someone added us to a private room). */
  async refreshRooms(): Promise<void> {
    try {
      this.rooms = await allRooms();
      this.renderRoomList();
    } catch (error) {
      this.failed(error, this.roomMeta);
    }
  }

  /** A search result: its room, scrolled to and highlighting that message. */
  private async openAt(roomId: string, messageId: string): Promise<void> {
    if (this.activeId !== roomId) await this.openRoom(roomId);
    try {
      await this.client?.reveal(roomId, messageId);
    } catch (error) {
      this.failed(error, this.roomMeta);
    }
    const row = this.list.querySelector<HTMLLIElement>(`li[data-id="${CSS.escape(messageId)}"]`);
    if (!row) return;
    for (const old of this.list.querySelectorAll('.highlight')) old.classList.remove('highlight');
    row.classList.add('highlight');
    row.tabIndex = -1;
    row.scrollIntoView({ block: 'center' });
    row.focus();
  }

  private async openRoom(roomId: string): Promise<void> {
    const room = this.rooms.find((r) => r.id === roomId);
    if (!room || !this.client) return;
    this.actions.reset();
    this.activeId = roomId;
    this.rows.clear();
    this.list.replaceChildren();
    this.roomTitle.textContent = `# ${room.name}`;
    document.title = `# ${room.name} – Tether`;
    const state = await this.client.open(room);
    state.unread = 0;
    this.renderRoomList();
    this.renderRoom(state, true);
    this.text.focus();
  }

  private renderRoomList(): void {
    const items = this.rooms.map((room) => {
      const state = this.client?.rooms.get(room.id);
      const unread =
        state && state.unread > 0 ? el('span', { className: 'badge' }, `${state.unread} new`) : '';
      const button = el(
        'button',
        { type: 'button', 'data-room-id': room.id, className: 'room-button' },
        el('span', { className: 'room-name' }, `# ${room.name}`),
        room.visibility === 'private' ? el('span', { className: 'tag' }, 'private') : '',
        unread,
      );
      if (room.id === this.activeId) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => void this.openRoom(room.id));
      return el('li', {}, button);
    });
    this.roomList.replaceChildren(...items);
  }

  private renderRoom(state: RoomState, jumpToBottom = false): void {
    const me = this.client!.me;
    const { room } = state;
    this.roomMeta.textContent = [
      room.visibility === 'private' ? 'Private room' : 'Public room',
      room.ownerId === me.id ? 'you own it' : '',
      state.error ?? '',
    ]
      .filter(Boolean)
      .join(' · ');
    this.memberForm.hidden = !(room.visibility === 'private' && room.ownerId === me.id);
    // Messages typed while reconnecting wait as pending and go out on reconnect.
    this.setComposerEnabled(true);

    const atBottom =
      this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < NEAR_BOTTOM_PX;
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;

    const wanted = [
      ...state.messages.map((m) => this.confirmedRow(m, me, room.ownerId)),
      ...[...state.pending.values()].map((p) => this.pendingRow(p, me)),
    ];
    wanted.forEach((row, index) => {
      if (this.list.children[index] !== row) this.list.insertBefore(row, this.list.children[index] ?? null);
    });
    while (this.list.children.length > wanted.length) this.list.lastElementChild!.remove();

    this.loadOlder.hidden = !state.hasOlder;
    this.loadOlder.disabled = state.loadingOlder;
    this.loadOlder.textContent = state.loadingOlder ? 'Loading…' : 'Load older messages';
    this.historyStart.hidden = state.hasOlder || !state.joined;

    if (jumpToBottom || atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
    else if (this.keepBottomOffset) this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.keepBottomOffset = false;

    this.renderPresence(state, me);
    const typers = [...state.typing.values()].map((t) => t.user.displayName);
    say(
      this.typing,
      typers.length === 0
        ? ''
        : typers.length === 1
          ? `${typers[0]} is typing…`
          : typers.length === 2
            ? `${typers[0]} and ${typers[1]} are typing…`
            : 'Several people are typing…',
    );
  }

  private renderPresence(state: RoomState, me: User): void {
    const users = [...state.online.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
    this.presence.replaceChildren(
      ...users.map((u) =>
        el(
          'li',
          { 'data-user-id': u.id },
          el('span', { className: 'dot', 'aria-hidden': 'true' }),
          u.id === me.id ? `${u.displayName} (you)` : u.displayName,
        ),
      ),
    );
  }

  private confirmedRow(message: Message, me: User, ownerId: string): HTMLLIElement {
    const key = `${message.author.id}:${message.clientMsgId}`;
    let row = this.rows.get(key);
    if (!row || row.dataset.state !== 'sent' || row.dataset.rev !== message.rev) {
      const fresh = messageRow(message, me, ownerId, key);
      row?.replaceWith(fresh);
      row = fresh;
      this.rows.set(key, row);
    }
    return row;
  }

  private pendingRow(pending: PendingMessage, me: User): HTMLLIElement {
    const key = `${me.id}:${pending.clientMsgId}`;
    const state = pending.error === undefined ? 'pending' : 'failed';
    let row = this.rows.get(key);
    if (!row || row.dataset.state !== state) {
      const fresh = this.row(key, me, pending.text, pending.createdAt, me);
      fresh.dataset.state = state;
      fresh.append(
        pending.error === undefined
          ? el('p', { className: 'delivery' }, 'Sending…')
          : el(
              'p',
              { className: 'delivery failed' },
              `${pending.error} `,
              el(
                'button',
                { type: 'button', className: 'link-button', 'data-retry': pending.clientMsgId },
                'Retry',
              ),
            ),
      );
      row?.replaceWith(fresh);
      row = fresh;
      this.rows.set(key, row);
    }
    return row;
  }

  private row(key: string, author: User, text: string, createdAt: string, me: User): HTMLLIElement {
    const own = author.id === me.id;
    return el(
      'li',
      { className: own ? 'message own' : 'message', 'data-key': key },
      el(
        'p',
        { className: 'meta' },
        el('span', { className: 'author' }, own ? `${author.displayName} (you)` : author.displayName),
        ' ',
        el('time', { datetime: createdAt }, formatTime(createdAt)),
      ),
      el('p', { className: 'text' }, text),
    );
  }

  private sendCurrent(): void {
    if (!this.activeId || !this.client) return;
    const text = this.text.value.trim();
    if (text === '') return;
    if (text.length > LIMITS.messageTextMax) {
      say(
        this.composerError,
        `A message can be at most ${LIMITS.messageTextMax} characters (this one has ${text.length}).`,
      );
      return;
    }
    say(this.composerError, '');
    if (this.actions.submit(text)) return;
    this.text.value = '';
    this.client.send(this.activeId, text);
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private async older(): Promise<void> {
    const roomId = this.activeId;
    const state = roomId ? this.client?.rooms.get(roomId) : undefined;
    if (!roomId || !state?.hasOlder || state.loadingOlder) return;
    this.keepBottomOffset = true;
    try {
      await this.client!.loadOlder(roomId);
    } catch (error) {
      this.failed(error, this.roomMeta);
    }
  }

  private async createRoom(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const errorBox = byId('room-error');
    say(errorBox, '');
    try {
      const visibility = data.get('visibility') === 'private' ? 'private' : 'public';
      const { room } = await session.client.request('createRoom', {
        body: { name: field(data, 'name').trim(), visibility },
      });
      form.reset();
      byId<HTMLDetailsElement>('new-room').open = false;
      this.rooms = [...this.rooms.filter((r) => r.id !== room.id), room];
      await this.openRoom(room.id);
    } catch (error) {
      this.failed(error, errorBox, 'room');
    }
  }

  private async addMember(): Promise<void> {
    const input = byId<HTMLInputElement>('member-username');
    const result = byId('member-result');
    const username = input.value.trim();
    if (!this.activeId || username === '') return;
    say(result, '');
    try {
      await session.client.request('addMember', { params: { id: this.activeId }, body: { username } });
      input.value = '';
      say(result, `Added ${username}.`);
    } catch (error) {
      this.failed(error, result, 'member');
    }
  }

  private failed(error: unknown, where: HTMLElement, context: 'room' | 'member' | 'login' = 'room'): void {
    if (
      error instanceof TetherError &&
      (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED')
    ) {
      this.onSessionLost('Your session has ended. Log in again.');
      return;
    }
    say(where, describeError(error, context));
  }

  private setComposerEnabled(enabled: boolean): void {
    this.text.disabled = !enabled;
    this.composer.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled = !enabled;
  }
}
