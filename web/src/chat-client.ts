import {
  LIMITS,
  newClientMsgId,
  TetherError,
  type ConnectionState as TetherState,
  type Message,
  type Room,
  type SessionEnd,
  type SessionEndReason,
  type TetherClient,
  type User,
} from '@tether/client';
import { applyDelete, applyUpdate } from './message-changes.js';

const TYPING_SHOW_MS = 3_000;
const TYPING_EMIT_EVERY_MS = 2_000;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** A message this tab sent that the server has not acknowledged yet. */
export interface PendingMessage {
  roomId: string;
  clientMsgId: string;
  text: string;
  createdAt: string;
  /** Set when the server refused it; the user may retry. */
  error?: string;
}

export interface RoomState {
  room: Room;
  /** Confirmed messages, sorted by id (creation order). */
  messages: Message[];
  pending: Map<string, PendingMessage>;
  online: Map<string, User>;
  typing: Map<string, { user: User; timer: ReturnType<typeof setTimeout> }>;
  joined: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  error?: string;
}

export type EndReason = SessionEndReason | 'unauthenticated' | 'server';

export type ChatChange =
  | { type: 'connection'; state: ConnectionState; transport?: string }
  | { type: 'room'; roomId: string; newMessages?: Message[] }
  | { type: 'ended'; reason: EndReason };

/** What the login screen says about how a session ended. */
function endReason(end: SessionEnd): EndReason {
  if (end.reason === 'server_disconnect') return 'server';
  if (end.reason === 'refused') return end.code === 'SESSION_EXPIRED' ? 'expired' : 'unauthenticated';
  return end.reason;
}

/**
 * What a logged-in tab shows of the chat: the rooms it opened, their messages, who is online and
 * typing, and the messages it sent that await their acknowledgement. Reconnecting, catching up and
 * resending are `@tether/client`'s; this keeps the screen's state.
 */
export class ChatClient {
  readonly rooms = new Map<string, RoomState>();
  private lastTypingEmit = 0;

  constructor(
    readonly me: User,
    private readonly tether: TetherClient,
    private readonly onChange: (change: ChatChange) => void,
  ) {
    tether.on('state', (state) => this.onState(state));
    tether.on('session:ended', (end) => this.onChange({ type: 'ended', reason: endReason(end) }));
    tether.on('message', (message) => {
      const state = this.rooms.get(message.roomId);
      if (!state) return;
      const typing = state.typing.get(message.author.id);
      if (typing) {
        clearTimeout(typing.timer);
        state.typing.delete(message.author.id);
      }
      this.merge(state, [message], true);
    });
    tether.on('update', (message) => this.apply(message.roomId, (state) => applyUpdate(state, message)));
    tether.on('delete', (event) => this.apply(event.roomId, (state) => applyDelete(state, event)));
    tether.on('room', ({ roomId, online, error, reset }) => {
      const state = this.rooms.get(roomId);
      if (!state) return;
      // The server could not catch up from where this tab was: show its latest page instead.
      if (reset) {
        state.messages = [...reset.messages];
        state.hasOlder = true;
      }
      state.error = error ? errorText(error) : undefined;
      state.joined = !error;
      if (online) state.online = new Map(online.map((u) => [u.id, u]));
      this.changed(roomId);
    });
    tether.on('presence', ({ roomId, user, status }) => {
      const state = this.rooms.get(roomId);
      if (!state) return;
      if (status === 'online') state.online.set(user.id, user);
      else state.online.delete(user.id);
      this.changed(roomId);
    });
    tether.on('typing', ({ roomId, user }) => {
      const state = this.rooms.get(roomId);
      if (!state || user.id === this.me.id) return;
      const previous = state.typing.get(user.id);
      if (previous) clearTimeout(previous.timer);
      const timer = setTimeout(() => {
        state.typing.delete(user.id);
        this.changed(roomId);
      }, TYPING_SHOW_MS);
      state.typing.set(user.id, { user, timer });
      this.changed(roomId);
    });
  }

  /** Connects; a refused handshake arrives as an `ended` change. */
  start(): void {
    this.tether.connect().catch(() => undefined);
  }

  /** Ends this tab's socket for good (logout, or the server ended the session). */
  stop(): void {
    this.tether.close();
    for (const state of this.rooms.values()) for (const t of state.typing.values()) clearTimeout(t.timer);
  }

  get connected(): boolean {
    return this.tether.state === 'connected';
  }

  /** Opens (joins) a room; a room stays joined, so it keeps receiving, until the tab ends. */
  async open(room: Room): Promise<RoomState> {
    let state = this.rooms.get(room.id);
    if (state) return state;
    state = {
      room,
      messages: [],
      pending: new Map(),
      online: new Map(),
      typing: new Map(),
      joined: false,
      hasOlder: false,
      loadingOlder: false,
    };
    this.rooms.set(room.id, state);
    try {
      const joined = await this.tether.join(room.id);
      state.room = joined.room;
      state.joined = true;
      state.error = undefined;
      state.online = new Map(joined.online.map((u) => [u.id, u]));
      // A page cut to the server's byte budget has more behind it whatever its length.
      state.hasOlder = joined.messages.length >= LIMITS.joinLatest || joined.truncated === true;
      this.merge(state, joined.messages, false);
    } catch (error) {
      state.error = errorText(error);
      this.changed(room.id);
    }
    return state;
  }

  /** Shows the message at once as pending; it goes out, and again after reconnects, until acknowledged. */
  send(roomId: string, text: string): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    const pending: PendingMessage = {
      roomId,
      clientMsgId: newClientMsgId(),
      text,
      createdAt: new Date().toISOString(),
    };
    state.pending.set(pending.clientMsgId, pending);
    this.changed(roomId);
    this.transmit(state, pending);
  }

  retry(roomId: string, clientMsgId: string): void {
    const state = this.rooms.get(roomId);
    const pending = state?.pending.get(clientMsgId);
    if (!state || !pending) return;
    pending.error = undefined;
    this.changed(roomId);
    this.transmit(state, pending);
  }

  typing(roomId: string): void {
    const now = Date.now();
    if (!this.connected || now - this.lastTypingEmit < TYPING_EMIT_EVERY_MS) return;
    this.lastTypingEmit = now;
    this.tether.emit('typing', { roomId }).catch(() => undefined);
  }

  /** Fetches the page before the oldest loaded message. */
  async loadOlder(roomId: string): Promise<void> {
    const state = this.rooms.get(roomId);
    const oldest = state?.messages[0];
    if (!state || !oldest || !state.hasOlder || state.loadingOlder) return;
    state.loadingOlder = true;
    this.changed(roomId);
    try {
      const { messages } = await this.tether.request('roomMessages', {
        params: { id: roomId },
        query: { before: oldest.id, limit: LIMITS.historyPageDefault },
      });
      state.hasOlder = messages.length >= LIMITS.historyPageDefault;
      this.merge(state, messages, false);
    } finally {
      state.loadingOlder = false;
      this.changed(roomId);
    }
  }

  /** Edits, deletes or reacts; the screen shows the result at once (errors are the caller's). */
  async edit(roomId: string, messageId: string, text: string): Promise<void> {
    this.settle(await this.tether.edit(roomId, messageId, text));
  }

  async remove(roomId: string, messageId: string): Promise<void> {
    this.settle(await this.tether.deleteMessage(roomId, messageId));
  }

  async react(roomId: string, messageId: string, emoji: string, remove: boolean): Promise<void> {
    this.settle(await this.tether.react(roomId, messageId, emoji, { remove }));
  }

  /** Makes sure a message (a search result) is loaded: the page from it on, merged into the room. */
  async reveal(roomId: string, messageId: string): Promise<void> {
    const state = this.rooms.get(roomId);
    if (!state || state.messages.some((m) => m.id === messageId)) return;
    const before = String(BigInt(messageId) - 1n).padStart(messageId.length, '0');
    const { messages } = await this.tether.request('roomMessages', {
      params: { id: roomId },
      query: { after: before, limit: LIMITS.historyPageDefault },
    });
    this.merge(state, messages, false);
  }

  private settle(message: Message): void {
    this.apply(message.roomId, (state) =>
      message.deleted
        ? applyDelete(state, { roomId: message.roomId, messageId: message.id, rev: message.rev })
        : applyUpdate(state, message),
    );
  }

  private apply(roomId: string, change: (state: RoomState) => boolean): void {
    const state = this.rooms.get(roomId);
    if (state && change(state)) this.changed(roomId);
  }

  private transmit(state: RoomState, pending: PendingMessage): void {
    this.tether.send(pending.roomId, pending.text, { clientMsgId: pending.clientMsgId }).then(
      (message) => this.merge(state, [message], false),
      (error: unknown) => {
        if (error instanceof TetherError && error.code === 'ENDED') return;
        pending.error = errorText(error);
        this.changed(pending.roomId);
      },
    );
  }

  private onState(state: TetherState): void {
    if (state === 'idle' || state === 'ended') return;
    const engine = this.tether.socket?.io.engine;
    this.onChange({ type: 'connection', state, transport: engine?.transport.name });
    if (state === 'connected') {
      engine?.once('upgrade', () =>
        this.onChange({ type: 'connection', state: 'connected', transport: engine.transport.name }),
      );
    }
  }

  /** Adds messages once each, keeping id order; confirms this tab's pending ones. */
  private merge(state: RoomState, messages: Message[], live: boolean): void {
    const known = new Set(state.messages.map((m) => m.id));
    const fresh: Message[] = [];
    for (const message of messages) {
      if (message.roomId !== state.room.id) continue;
      if (message.author.id === this.me.id) state.pending.delete(message.clientMsgId);
      if (known.has(message.id)) continue;
      known.add(message.id);
      fresh.push(message);
    }
    if (fresh.length > 0) {
      state.messages.push(...fresh);
      state.messages.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    this.changed(state.room.id, live ? fresh.filter((m) => m.author.id !== this.me.id) : undefined);
  }

  private changed(roomId: string, newMessages?: Message[]): void {
    this.onChange({ type: 'room', roomId, newMessages });
  }
}

export function errorText(error: unknown): string {
  if (!(error instanceof TetherError)) return 'Not delivered.';
  switch (error.code) {
    case 'RATE_LIMITED':
      return 'Sending too fast. Wait a moment, then retry.';
    case 'FORBIDDEN':
      return 'You are not in this room.';
    case 'NOT_FOUND':
      return 'This room does not exist or you are not a member.';
    case 'VALIDATION':
      return `Not accepted: ${error.message}`;
    case 'PAYLOAD_TOO_LARGE':
      return 'Message too long.';
    default:
      return 'Not delivered.';
  }
}
