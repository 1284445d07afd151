import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ApiError,
  ClientToServerEvents,
  Message,
  Room,
  ServerToClientEvents,
  SessionEndReason,
  User,
} from '../../src/protocol/index.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 50;
/** How many already-seen messages a catch-up asks for again. */
const CATCH_UP_OVERLAP = 20;
/** `room:join {after}` returns at most this many; more means fetch the rest. */
const CATCH_UP_LIMIT = 500;
const TYPING_SHOW_MS = 3_000;
/** When a refusal for now (too many connections) names no wait of its own. */
const REFUSED_RETRY_SEC = 10;
/** Handshake refusals that pass with time; any other refusal ends the chat. */
const REFUSED_FOR_NOW = new Set(['RATE_LIMITED', 'TOO_MANY_CONNECTIONS']);
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
  inFlight: boolean;
}

export interface RoomState {
  room: Room;
  /** Confirmed messages, sorted by id (creation order). */
  messages: Message[];
  pending: Map<string, PendingMessage>;
  /** `id:<message id>` and `msg:<author id>:<clientMsgId>` of every confirmed message. */
  seen: Set<string>;
  online: Map<string, User>;
  typing: Map<string, { user: User; timer: ReturnType<typeof setTimeout> }>;
  joined: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  unread: number;
  error?: string;
}

export type ChatChange =
  | { type: 'connection'; state: ConnectionState; transport?: string }
  | { type: 'room'; roomId: string; newMessages?: Message[] }
  | { type: 'ended'; reason: SessionEndReason | 'unauthenticated' | 'server' };

/** `crypto.randomUUID` exists only in secure contexts; plain-http LAN addresses still need ids. */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The chat side of a logged-in tab: one socket on `/chat` authenticated by the session cookie,
 * the rooms this tab opened, and the messages it sent that await their acknowledgement.
 */
export class ChatClient {
  readonly rooms = new Map<string, RoomState>();
  private readonly socket: ChatSocket;
  private lastTypingEmit = 0;
  private ended = false;
  private reconnectTimer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly me: User,
    private readonly onChange: (change: ChatChange) => void,
  ) {
    this.socket = io('/chat', {
      withCredentials: true,
      transports: ['websocket', 'polling'],
      autoConnect: false,
    });
    this.listen();
  }

  start(): void {
    this.onChange({ type: 'connection', state: 'connecting' });
    this.socket.connect();
  }

  /** Ends this tab's socket for good (logout, or the server ended the session). */
  stop(): void {
    this.ended = true;
    clearTimeout(this.reconnectTimer);
    this.socket.disconnect();
    for (const state of this.rooms.values()) for (const t of state.typing.values()) clearTimeout(t.timer);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Opens (joins) a room; a room stays joined, so it keeps receiving, until the tab ends. */
  async open(room: Room): Promise<RoomState> {
    let state = this.rooms.get(room.id);
    if (!state) {
      state = {
        room,
        messages: [],
        pending: new Map(),
        seen: new Set(),
        online: new Map(),
        typing: new Map(),
        joined: false,
        hasOlder: false,
        loadingOlder: false,
        unread: 0,
      };
      this.rooms.set(room.id, state);
      if (this.socket.connected) await this.join(state);
    }
    return state;
  }

  send(roomId: string, text: string): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    const pending: PendingMessage = {
      roomId,
      clientMsgId: newClientMsgId(),
      text,
      createdAt: new Date().toISOString(),
      inFlight: false,
    };
    state.pending.set(pending.clientMsgId, pending);
    this.changed(roomId);
    if (state.joined) void this.transmit(pending);
  }

  retry(roomId: string, clientMsgId: string): void {
    const pending = this.rooms.get(roomId)?.pending.get(clientMsgId);
    if (!pending) return;
    pending.error = undefined;
    this.changed(roomId);
    if (this.rooms.get(roomId)?.joined) void this.transmit(pending);
  }

  typing(roomId: string): void {
    const now = Date.now();
    if (!this.socket.connected || now - this.lastTypingEmit < TYPING_EMIT_EVERY_MS) return;
    this.lastTypingEmit = now;
    this.socket.emit('typing', { roomId }, () => undefined);
  }

  /** Fetches the page before the oldest loaded message. */
  async loadOlder(roomId: string, fetchPage: (before: string) => Promise<Message[]>): Promise<void> {
    const state = this.rooms.get(roomId);
    const oldest = state?.messages[0];
    if (!state || !oldest || !state.hasOlder || state.loadingOlder) return;
    state.loadingOlder = true;
    this.changed(roomId);
    try {
      const page = await fetchPage(oldest.id);
      state.hasOlder = page.length >= PAGE_SIZE;
      this.merge(state, page, false);
    } finally {
      state.loadingOlder = false;
      this.changed(roomId);
    }
  }

  private listen(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.onChange({ type: 'connection', state: 'connected', transport: s.io.engine?.transport.name });
      s.io.engine?.once('upgrade', () =>
        this.onChange({ type: 'connection', state: 'connected', transport: s.io.engine.transport.name }),
      );
      // Re-join every open room from where it left off, then resend what was never acknowledged.
      for (const state of this.rooms.values()) void this.join(state);
    });
    s.on('disconnect', (reason) => {
      for (const state of this.rooms.values()) {
        state.joined = false;
        for (const p of state.pending.values()) p.inFlight = false;
      }
      if (this.ended) return;
      if (reason === 'io server disconnect') {
        // socket.io-client does not reconnect after this, and neither do we.
        this.ended = true;
        this.onChange({ type: 'ended', reason: 'server' });
      } else {
        this.onChange({ type: 'connection', state: 'reconnecting' });
      }
    });
    s.on('connect_error', (err: Error & { data?: Partial<ApiError> }) => {
      if (this.ended) return;
      const code = err.data?.code;
      if (code !== undefined && REFUSED_FOR_NOW.has(code)) {
        // socket.io-client gives up after a refusal; this one passes, so connect again later.
        const details = err.data?.details as { retryAfterSec?: number } | undefined;
        this.reconnectTimer = setTimeout(
          () => s.connect(),
          (details?.retryAfterSec ?? REFUSED_RETRY_SEC) * 1000,
        );
        this.onChange({ type: 'connection', state: 'reconnecting' });
      } else if (code !== undefined || !s.active) {
        this.stop();
        this.onChange({ type: 'ended', reason: code === 'SESSION_EXPIRED' ? 'expired' : 'unauthenticated' });
      } else {
        this.onChange({ type: 'connection', state: 'reconnecting' });
      }
    });
    s.on('session:ended', ({ reason }) => {
      if (this.ended) return;
      this.stop();
      this.onChange({ type: 'ended', reason });
    });
    s.on('message:new', (message) => {
      const state = this.rooms.get(message.roomId);
      if (!state) return;
      const typing = state.typing.get(message.author.id);
      if (typing) {
        clearTimeout(typing.timer);
        state.typing.delete(message.author.id);
      }
      this.merge(state, [message], true);
    });
    s.on('presence', ({ roomId, user, status }) => {
      const state = this.rooms.get(roomId);
      if (!state) return;
      if (status === 'online') state.online.set(user.id, user);
      else state.online.delete(user.id);
      this.changed(roomId);
    });
    s.on('typing', ({ roomId, user }) => {
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

  private async join(state: RoomState): Promise<void> {
    const roomId = state.room.id;
    // A window behind the newest message: live events relayed between instances can arrive out of
    // id order, so the newest one seen does not prove that everything before it arrived. The
    // overlap comes back again and is dropped by `merge`.
    const after = state.messages[Math.max(0, state.messages.length - 1 - CATCH_UP_OVERLAP)]?.id;
    let res: Ack<{ room: Room; messages: Message[]; truncated?: true; online: User[] }>;
    try {
      res = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('room:join', after === undefined ? { roomId } : { roomId, after });
    } catch {
      return; // disconnected or timed out: the next `connect` joins again
    }
    if (!res.ok) {
      state.error = errorText(res.error);
      this.changed(roomId);
      return;
    }
    state.error = undefined;
    state.room = res.room;
    state.joined = true;
    state.online = new Map(res.online.map((u) => [u.id, u]));
    // A page cut to the server's byte budget has more behind it whatever its length.
    if (after === undefined) state.hasOlder = res.messages.length >= PAGE_SIZE || res.truncated === true;
    this.merge(state, res.messages, after !== undefined);
    if (after !== undefined && (res.messages.length >= CATCH_UP_LIMIT || res.truncated)) {
      await this.catchUp(state);
    }
    for (const pending of state.pending.values()) {
      if (pending.error === undefined) void this.transmit(pending);
    }
  }

  private async catchUp(state: RoomState): Promise<void> {
    for (;;) {
      const after = state.messages.at(-1)?.id;
      const res = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('messages:fetch', { roomId: state.room.id, after, limit: 100 })
        .catch(() => undefined);
      if (!res?.ok) return;
      this.merge(state, res.messages, true);
      if (res.messages.length < 100 && !res.truncated) return;
    }
  }

  private async transmit(pending: PendingMessage): Promise<void> {
    if (pending.inFlight || !this.socket.connected) return;
    pending.inFlight = true;
    const { roomId, text, clientMsgId } = pending;
    let res: Ack<{ message: Message }>;
    try {
      res = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('message:send', { roomId, text, clientMsgId });
    } catch {
      // No ack: the same clientMsgId goes again now if still connected, or after the next connect.
      pending.inFlight = false;
      const state = this.rooms.get(roomId);
      if (state?.pending.has(clientMsgId) && state.joined) void this.transmit(pending);
      return;
    }
    pending.inFlight = false;
    const state = this.rooms.get(roomId);
    if (!state?.pending.has(clientMsgId)) return;
    if (res.ok) {
      this.merge(state, [res.message], false);
    } else {
      pending.error = errorText(res.error);
      this.changed(roomId);
    }
  }

  /** Adds messages once each (by id, and by clientMsgId for this user's own), keeping id order. */
  private merge(state: RoomState, messages: Message[], live: boolean): void {
    const fresh: Message[] = [];
    for (const message of messages) {
      if (message.roomId !== state.room.id) continue;
      if (message.author.id === this.me.id) state.pending.delete(message.clientMsgId);
      const byId = `id:${message.id}`;
      const byClientId = `msg:${message.author.id}:${message.clientMsgId}`;
      if (state.seen.has(byId) || state.seen.has(byClientId)) continue;
      state.seen.add(byId).add(byClientId);
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

export function errorText(error: ApiError): string {
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
