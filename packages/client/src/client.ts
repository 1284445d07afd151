import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { Credentials, type SocketAuth } from './credentials.js';
import { Emitter } from './emitter.js';
import { TetherError } from './errors.js';
import { HttpApi, type RequestOf, type ResponseOf } from './http.js';
import { newClientMsgId } from './ids.js';
import {
  CHAT_NAMESPACE,
  type Ack,
  majorOf,
  PROTOCOL_VERSION,
  SOCKET_IO_PATH,
  type ClientEventName,
  type ClientToServerEvents,
  type ConnectErrorCode,
  type Message,
  type PayloadOf,
  type ResultOf,
  type RouteName,
  type ServerToClientEvents,
  type SessionEndReason,
  type User,
} from './protocol.js';
import { Rooms, type RoomUpdate } from './rooms.js';
import { SessionCookie } from './session-cookie.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** Handshake refusals that pass with time: the client connects again after `retryAfterSec`. */
const REFUSED_FOR_NOW: ReadonlySet<ConnectErrorCode> = new Set(['RATE_LIMITED', 'TOO_MANY_CONNECTIONS']);
/** The wait when such a refusal names none. */
const REFUSED_RETRY_SEC = 10;

/** Why the session's socket ended: the server said why, refused a handshake (`code`), or just disconnected. */
export interface SessionEnd {
  reason: SessionEndReason | 'refused' | 'server_disconnect';
  /** With `refused`: the handshake's `connect_error` code. */
  code?: ConnectErrorCode;
}

/** The client's events: the server's (but `session:ended`), plus what the client makes of them. */
export type TetherEvents = Omit<ServerToClientEvents, 'session:ended'> & {
  state: (state: ConnectionState) => void;
  /** Once, however the session ended; the client never reconnects after it. */
  'session:ended': (end: SessionEnd) => void;
  /** Every message of a joined room once, after what `join` returned: live, caught up, or another tab's. */
  message: (message: Message) => void;
  /** A room was (re-)joined, with who is online; or re-joining failed (`error`), and it was dropped. */
  room: (update: RoomUpdate) => void;
};

export interface TetherClientOptions {
  /** The server's origin, e.g. `https://chat.example.com`. @default '' (the page's own origin) */
  baseUrl?: string;
  /**
   * How the socket authenticates: the session cookie, a one-time ticket minted for every
   * (re)connect, or an access token (minted from the session and renewed, unless `token` is given).
   * @default 'cookie'
   */
  auth?: SocketAuth;
  /** An access token to use as it is (no session needed; the socket ends when it expires). */
  token?: string;
  /**
   * Who keeps the session cookie: the browser, or this client (outside browsers).
   * @default 'browser' where there is a `document`, else 'jar'
   */
  cookies?: 'browser' | 'jar';
  /** How long an acknowledgement may take. @default 10000 */
  ackTimeoutMs?: number;
  /**
   * The server API key (`API_KEY`), for a backend calling the server API (`request('apiPublish',
   * ...)`): sent on those routes only. Never give it to a browser.
   */
  apiKey?: string;
  /** Refuse a server whose protocol major differs from this package's. @default true */
  checkProtocol?: boolean;
  /** Passed to socket.io-client (transports, reconnection delays); not `auth` or headers. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

type TetherSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One user's connection to Tether: the HTTP API, and one socket on `/chat` that reconnects by
 * itself, re-joins its rooms catching up on what it missed, and resends unacknowledged messages
 * with their `clientMsgId`, so each is stored once. Works in browsers and in Node.
 */
export class TetherClient extends Emitter<TetherEvents> {
  readonly http: HttpApi;
  private readonly jar?: SessionCookie;
  private readonly credentials: Credentials;
  private readonly rooms: Rooms;
  private readonly ackTimeoutMs: number;
  private socketRef?: TetherSocket;
  private opening?: Promise<void>;
  private current: ConnectionState = 'idle';
  /** Set once the connection ended for good: why, or `closed` when the application closed it. */
  private end?: SessionEnd | 'closed';
  private waiters: { resolve: () => void; reject: (error: TetherError) => void }[] = [];
  private renewal?: ReturnType<typeof setTimeout>;
  private refusedRetry?: ReturnType<typeof setTimeout>;
  private tokenRetried = false;

  constructor(private readonly options: TetherClientOptions = {}) {
    super();
    const cookies = options.cookies ?? (typeof document === 'undefined' ? 'jar' : 'browser');
    // Reconnects send the cookie the session has then: a new login or a renewed session id.
    if (cookies === 'jar') this.jar = new SessionCookie(() => this.useCookie());
    this.http = new HttpApi({
      baseUrl: options.baseUrl ?? '',
      jar: this.jar,
      bearer: () => this.credentials.bearer,
      apiKey: options.apiKey,
    });
    this.credentials = new Credentials(this.http, options.token);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.rooms = new Rooms({
      ack: (event, payload) => this.emit(event, payload),
      message: (message) => this.dispatch('message', message),
      room: (update) => this.dispatch('room', update),
    });
  }

  // --- HTTP -------------------------------------------------------------------------------

  /** Any route of the table, typed: `request('getRoom', {params: {id}})`. */
  request<R extends RouteName>(name: R, input?: RequestOf<R>): Promise<ResponseOf<R>> {
    return this.http.call(name, input);
  }

  async register(input: PayloadOfRoute<'register'>): Promise<User> {
    return (await this.http.call('register', { body: input })).user;
  }

  /** Logs in; the session cookie is set for the browser or kept by this client. */
  async login(username: string, password: string): Promise<User> {
    return (await this.http.call('login', { body: { username, password } })).user;
  }

  async me(): Promise<User> {
    return (await this.http.call('me')).user;
  }

  /** Ends the session: its sockets (this one too) get `session:ended {reason: 'logout'}`. */
  async logout(): Promise<void> {
    await this.http.call('logout');
    this.credentials.forget();
    this.jar?.clear();
  }

  /** Every other session of the user ends (`password_changed`); this one goes on. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.http.call('changePassword', { body: { currentPassword, newPassword } });
  }

  // --- socket -----------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.current;
  }

  /** The underlying socket.io-client socket, once `connect` was called. */
  get socket(): TetherSocket | undefined {
    return this.socketRef;
  }

  /** Opens the socket; resolves once connected, rejects when the handshake is refused. */
  async connect(): Promise<void> {
    if (this.end) throw this.endedError();
    // Concurrent calls share one socket.
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    await this.opening;
    if (this.current !== 'connected') {
      await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
  }

  private async open(): Promise<void> {
    if (this.options.checkProtocol ?? true) await this.checkProtocol();
    if (this.end) throw this.endedError();
    this.socketRef = this.createSocket();
    this.setState('connecting');
    this.socketRef.connect();
  }

  /** Closes the socket for good, without a `session:ended` (the session itself goes on). */
  close(): void {
    this.stop('closed');
  }

  /** Emits a client event and resolves with its ack's result; rejects with the ack's error. */
  async emit<E extends ClientEventName>(event: E, payload: PayloadOf<E>): Promise<ResultOf<E>> {
    const socket = this.socketRef;
    if (this.end) throw this.endedError();
    // socket.io-client would buffer it until the next connection: never for a non-idempotent event.
    if (!socket?.connected) throw new TetherError('NETWORK', 'Not connected');
    let res: Ack<ResultOf<E>>;
    try {
      // socket.io's generic event typing cannot follow a generic `E`; the map above is the contract.
      const timed = socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(event: E, payload: PayloadOf<E>): Promise<Ack<ResultOf<E>>>;
      };
      res = await timed.emitWithAck(event, payload);
    } catch {
      throw new TetherError('TIMEOUT', `No acknowledgement for ${event}`);
    }
    if (!res.ok) throw TetherError.from(res.error);
    return res as ResultOf<E>;
  }

  /**
   * Joins a room and keeps it joined across reconnects. Resolves with the room, who is online and
   * its latest messages, or, with `after`, every message after that id. After a reconnect it
   * re-joins from where it left off: what it missed arrives as `message` events.
   */
  async join(roomId: string, options: { after?: string } = {}): Promise<ResultOf<'room:join'>> {
    // Tracked at once, so a message sent to the room meanwhile waits for this join.
    this.rooms.track(roomId, options.after);
    try {
      await this.connect();
    } catch (error) {
      this.rooms.forget(roomId);
      throw error;
    }
    return this.rooms.join(roomId, options.after);
  }

  async leave(roomId: string): Promise<void> {
    this.rooms.forget(roomId);
    if (this.socketRef?.connected) await this.emit('room:leave', { roomId });
  }

  /**
   * Sends a message; resolves with it as stored. While disconnected it waits, and a message whose
   * ack never came goes again with the same `clientMsgId`, so it is stored exactly once. Messages
   * of one room go one after another, in the order they were sent.
   */
  send(roomId: string, text: string, options: { clientMsgId?: string } = {}): Promise<Message> {
    if (this.end) return Promise.reject(this.endedError());
    return this.rooms.send({ roomId, text, clientMsgId: options.clientMsgId ?? newClientMsgId() });
  }

  private createSocket(): TetherSocket {
    const mode = this.options.auth ?? 'cookie';
    const socket: TetherSocket = io(`${this.options.baseUrl ?? ''}${CHAT_NAMESPACE}`, {
      path: SOCKET_IO_PATH,
      ...this.options.socket,
      autoConnect: false,
      withCredentials: !this.jar,
      // The cookie goes only where it is the credential: tickets and tokens are the point otherwise.
      ...(mode === 'cookie' && this.jar?.header ? { extraHeaders: { Cookie: this.jar.header } } : {}),
      ...(mode === 'cookie' ? {} : { auth: (cb: (data: object) => void) => this.credentialFor(mode, cb) }),
    });
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    socket.on('connect_error', (err: Error & { data?: { code?: ConnectErrorCode; details?: unknown } }) =>
      this.onRefused(err),
    );
    socket.on('session:ended', ({ reason }) => this.stop({ reason }));
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === 'message:new') this.rooms.live(args[0] as Message);
      if (event !== 'session:ended') (this.dispatch as (e: string, ...a: unknown[]) => void)(event, ...args);
    });
    return socket;
  }

  /** In cookie mode outside a browser, the next handshakes carry the session's current cookie. */
  private useCookie(): void {
    const opts = this.socketRef?.io.opts;
    if (!opts || (this.options.auth ?? 'cookie') !== 'cookie') return;
    opts.extraHeaders = this.jar?.header ? { Cookie: this.jar.header } : {};
  }

  /** Asked before every handshake: a fresh ticket, or a token with life left in it. */
  private credentialFor(mode: 'ticket' | 'token', cb: (data: object) => void): void {
    const mint =
      mode === 'ticket'
        ? this.credentials.ticket().then((ticket) => ({ ticket }))
        : this.credentials.token().then((token) => ({ token }));
    mint.then(cb, (error: unknown) => {
      // The session is gone: let the handshake fail and say so. Anything else is passing: drop this
      // attempt, and the manager's reconnection tries again.
      if (error instanceof TetherError && error.status === 401) cb({});
      else this.socketRef?.io.engine?.close();
    });
  }

  private onConnect(): void {
    this.tokenRetried = false;
    this.setState('connected');
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    this.rooms.connected(true);
    this.scheduleRenewal();
  }

  private onDisconnect(reason: string): void {
    this.rooms.connected(false);
    if (this.end || reason === 'io client disconnect') return;
    // socket.io-client never reconnects after this one, and neither do we.
    if (reason === 'io server disconnect') this.stop({ reason: 'server_disconnect' });
    else this.setState('reconnecting');
  }

  private onRefused(err: Error & { data?: { code?: ConnectErrorCode; details?: unknown } }): void {
    if (this.end) return;
    const code = err.data?.code;
    if (code === undefined) {
      this.setState('reconnecting'); // the transport failed; the manager retries
      return;
    }
    if (REFUSED_FOR_NOW.has(code)) {
      // socket.io-client gives up after a refusal; this one passes with time, so connect again later.
      const wait = (err.data?.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
      clearTimeout(this.refusedRetry);
      this.refusedRetry = setTimeout(
        () => this.socketRef?.connect(),
        (typeof wait === 'number' && wait > 0 ? wait : REFUSED_RETRY_SEC) * 1000,
      );
      this.setState('reconnecting');
      return;
    }
    if (code === 'TOKEN_EXPIRED' && this.credentials.canMint && !this.tokenRetried) {
      this.tokenRetried = true;
      this.credentials.forget();
      this.socketRef?.connect();
      return;
    }
    this.stop({ reason: 'refused', code });
  }

  /** A minted token is replaced before it expires: reconnect with a fresh one, catching up as usual. */
  private scheduleRenewal(): void {
    clearTimeout(this.renewal);
    const delay = this.options.auth === 'token' ? this.credentials.renewInMs : undefined;
    if (delay === undefined) return;
    this.renewal = setTimeout(() => {
      if (this.end || !this.socketRef) return;
      this.setState('reconnecting');
      this.socketRef.disconnect().connect();
    }, delay);
  }

  private stop(end: SessionEnd | 'closed'): void {
    if (this.end) return;
    this.end = end;
    clearTimeout(this.renewal);
    clearTimeout(this.refusedRetry);
    this.socketRef?.disconnect();
    const error = this.endedError();
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.rooms.ended(error);
    this.setState('ended');
    if (end !== 'closed') this.dispatch('session:ended', end);
  }

  private endedError(): TetherError {
    const why = this.end === 'closed' || !this.end ? 'closed' : (this.end.code ?? this.end.reason);
    return new TetherError('ENDED', `The connection has ended (${why})`);
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.dispatch('state', state);
  }

  private async checkProtocol(): Promise<void> {
    const info = await this.http.call('protocol').catch((error: unknown) => {
      // A server from before the protocol had a version: nothing to compare.
      if (error instanceof TetherError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
    if (info && majorOf(info.version) !== majorOf(PROTOCOL_VERSION)) {
      throw new TetherError(
        'PROTOCOL_MISMATCH',
        `The server speaks protocol ${info.version}; this client ${PROTOCOL_VERSION}`,
      );
    }
  }
}

type PayloadOfRoute<R extends RouteName> = NonNullable<RequestOf<R>['body']>;
