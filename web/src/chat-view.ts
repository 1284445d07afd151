import { GENERAL_ROOM_ID, LIMITS, TetherError, type Message, type User } from '@tether/client';
import { describeError, session } from './api.js';
import { ChatClient, type ChatChange, type PendingMessage, type RoomState } from './chat-client.js';
import { linkedRoom, linkTo, onLinkFollowed } from './deep-link.js';
import { byId, el, field, formatTime, say } from './dom.js';
import { Drafts } from './drafts.js';
import { MemberPanel } from './member-panel.js';
import { Notifications } from './notifications.js';
import { ReadTracker } from './read-tracker.js';
import { roomLabel, RoomList } from './room-list.js';
import { MessageActions } from './message-actions.js';
import { messageRow } from './message-row.js';
import { SearchView } from './search-view.js';

const NEAR_TOP_PX = 48;
const NEAR_BOTTOM_PX = 48;

/** The room list, the open room (messages, presence, typing) and the composer. */
export class ChatView {
  private readonly screen = byId('chat-screen');
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
  private readonly jump = byId<HTMLButtonElement>('jump-latest');
  private readonly rows = new Map<string, HTMLLIElement>();
  private readonly roomList = new RoomList(
    (roomId) => void this.openRoom(roomId),
    () => this.updateTitle(),
  );
  private readonly members = new MemberPanel((error, where) => this.failed(error, where));
  private readonly notifications = new Notifications();
  private readonly reads = new ReadTracker(this.roomList);
  private client?: ChatClient;
  private drafts?: Drafts;
  private activeId?: string;
  private keepBottomOffset = false;
  private readonly actions = new MessageActions(
    () => ({ client: this.client, roomId: this.activeId }),
    this.list,
  );

  /** `onSessionLost`: an HTTP call of the chat screen found the session gone. */
  constructor(private readonly onSessionLost: () => void) {
    new SearchView(
      (roomId) => this.roomList.get(roomId)?.name ?? roomId,
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
      if (this.activeId) this.drafts?.set(this.activeId, this.text.value);
      if (this.activeId && this.text.value.trim() !== '') this.client?.typing(this.activeId);
    });
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < NEAR_TOP_PX) void this.older();
      this.jump.hidden = this.nearBottom;
      this.markRead();
    });
    this.jump.addEventListener('click', () => {
      this.scroller.scrollTop = this.scroller.scrollHeight;
      this.jump.hidden = true;
    });
    document.addEventListener('visibilitychange', () => this.markRead());
    onLinkFollowed((roomId) => void this.openRoom(roomId));
    byId<HTMLFormElement>('dm-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.openDirect(event.currentTarget as HTMLFormElement);
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

  /**
   * Enters the chat screen as `user`: loads the rooms, opens the linked room (else `general`),
   * joins the direct rooms (so their messages arrive live) and connects the socket.
   */
  async show(client: ChatClient): Promise<void> {
    this.client = client;
    this.drafts = new Drafts(client.me.id);
    this.screen.hidden = false;
    this.activeId = undefined;
    this.rows.clear();
    this.list.replaceChildren();
    this.presence.replaceChildren();
    say(this.typing, '');
    this.listen(client);
    client.start();
    await this.refreshRooms();
    const linked = linkedRoom();
    const first =
      (linked && this.roomList.get(linked)) ?? this.roomList.get(GENERAL_ROOM_ID) ?? this.roomList.all[0];
    if (first) await this.openRoom(first.id);
    for (const room of this.roomList.all) if (room.visibility === 'direct') void client.open(room);
  }

  private listened = new WeakSet<ChatClient>();

  private listen(client: ChatClient): void {
    if (this.listened.has(client)) return;
    this.listened.add(client);
    this.roomList.listen(session.client, (roomId) => {
      client.rooms.delete(roomId);
      if (roomId === this.activeId) void this.openRoom(GENERAL_ROOM_ID);
    });
    session.client.on('room:added', ({ room }) => {
      if (room.visibility === 'direct') void client.open(room);
    });
    session.client.on('room:updated', ({ room }) => {
      const state = client.rooms.get(room.id);
      if (state) state.room = { ...state.room, ...room };
      if (room.id === this.activeId && state) {
        this.renderRoom(state);
        void this.members.show(state.room, client.me);
      }
    });
    session.client.on('mention', ({ roomId, message }) => {
      const room = this.roomList.get(roomId);
      this.notifications.show(
        `${message.author.displayName} mentioned you${room ? ` in ${roomLabel(room)}` : ''}`,
        message.text,
        () => void this.openRoom(roomId),
      );
    });
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
    const fresh = change.newMessages ?? [];
    if (state.room.visibility === 'direct') {
      for (const m of fresh) {
        this.notifications.show(m.author.displayName, m.text, () => void this.openRoom(change.roomId));
      }
    }
    if (change.roomId !== this.activeId) {
      this.roomList.unseen(change.roomId, fresh);
      return;
    }
    this.renderRoom(state);
    this.markRead();
  }

  /** Rooms may have changed while disconnected (someone added us to a private room). */
  async refreshRooms(): Promise<void> {
    try {
      await this.roomList.load();
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
    const room = this.roomList.get(roomId);
    if (!room || !this.client) return;
    this.actions.reset();
    this.activeId = roomId;
    this.rows.clear();
    this.list.replaceChildren();
    linkTo(roomId);
    this.reads.open(roomId, room.lastReadId, this.client.me.id);
    this.roomList.setActive(roomId);
    this.text.value = this.drafts?.get(roomId) ?? '';
    const state = await this.client.open(room);
    if (this.activeId !== roomId) return;
    void this.members.show(state.room, this.client.me);
    this.renderRoom(state, true);
    this.markRead();
    this.text.focus();
  }

  /** The tab title carries the unread total, so it shows in the tab strip. */
  private updateTitle(): void {
    const room = this.activeId ? this.roomList.get(this.activeId) : undefined;
    if (room) this.roomTitle.textContent = roomLabel(room);
    const total = this.roomList.unreadTotal;
    document.title = `${total > 0 ? `(${total}) ` : ''}${room ? `${roomLabel(room)} – ` : ''}Tether`;
  }

  private get nearBottom(): boolean {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < NEAR_BOTTOM_PX;
  }

  /** What is on screen, with the tab visible and scrolled to the end, is read. */
  private markRead(): void {
    const state = this.activeId ? this.client?.rooms.get(this.activeId) : undefined;
    if (state && this.nearBottom && document.visibilityState === 'visible') this.reads.seen(state);
  }

  private async openDirect(form: HTMLFormElement): Promise<void> {
    const errorBox = byId('dm-error');
    say(errorBox, '');
    try {
      const room = await session.client.openDirect(field(new FormData(form), 'username').trim());
      form.reset();
      this.roomList.add(room);
      await this.openRoom(room.id);
    } catch (error) {
      this.failed(error, errorBox, 'member');
    }
  }

  private renderRoom(state: RoomState, jumpToBottom = false): void {
    const me = this.client!.me;
    const room = { ...state.room, ...this.roomList.get(state.room.id) };
    this.roomMeta.textContent = [
      room.visibility === 'direct'
        ? 'Direct conversation'
        : room.visibility === 'private'
          ? 'Private room'
          : 'Public room',
      room.visibility !== 'direct' && room.ownerId === me.id ? 'you own it' : '',
      room.topic ?? '',
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

    const wanted = this.reads.withDivider([
      ...state.messages.map((m) => this.confirmedRow(m, me, room.ownerId)),
      ...[...state.pending.values()].map((p) => this.pendingRow(p, me)),
    ]);
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
    this.jump.hidden = this.nearBottom;

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
    this.drafts?.set(this.activeId, '');
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
      this.roomList.add(room);
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
      // An answer that arrives after the chat left the screen (a logout, the session ended on the
      // socket) is about a session already dealt with: the login screen's notice stays.
      if (this.client) this.onSessionLost();
      return;
    }
    say(where, describeError(error, context));
  }

  private setComposerEnabled(enabled: boolean): void {
    this.text.disabled = !enabled;
    this.composer.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled = !enabled;
  }
}
