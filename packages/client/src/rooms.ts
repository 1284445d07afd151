import { TetherError } from './errors.js';
import {
  LIMITS,
  type ClientEventName,
  type Message,
  type MessageDeletedEvent,
  type PayloadOf,
  type ResultOf,
  type Room,
  type User,
} from './protocol.js';
import { RoomLog, type Seen } from './room-log.js';

/** A room re-joined after a reconnect (who is online now), or one that could not be (and was dropped). */
export interface RoomUpdate {
  roomId: string;
  room?: Room;
  online?: User[];
  error?: TetherError;
  /**
   * The server could not catch up from where this client was (it is older than that position: a
   * restored backup). Forget what you show of the room; `messages` is its latest page.
   */
  reset?: { messages: Message[] };
}

export interface RoomsDeps {
  ack<E extends ClientEventName>(event: E, payload: PayloadOf<E>): Promise<ResultOf<E>>;
  message(message: Message): void;
  /** A message handed over before was edited or its reactions changed. */
  update(message: Message): void;
  deleted(event: MessageDeletedEvent): void;
  room(update: RoomUpdate): void;
}

/** What arrives live while a join is under way, applied once its history is in. */
type Early = { message: Message } | { deleted: MessageDeletedEvent };

interface Tracked {
  log: RoomLog;
  /** A first join succeeded: after a reconnect it is re-joined from where it left off. */
  joinedOnce: boolean;
  /** Joined on the current connection: its messages may be sent. */
  ready: boolean;
  /** A join is under way: live messages wait in `early` until its history is in. */
  joining: boolean;
  early: Early[];
}

interface Outgoing {
  roomId: string;
  text: string;
  clientMsgId: string;
}

/** Failures that mean the connection went, not that the server refused: the next connection retries. */
const isTransient = (error: unknown) =>
  error instanceof TetherError && (error.code === 'TIMEOUT' || error.code === 'NETWORK');

/**
 * The rooms a client joined and the messages it is sending: re-joins each room on every new
 * connection from where it left off, hands the application every message once, and delivers each
 * message exactly once by resending it with its `clientMsgId` until it is acknowledged.
 */
export class Rooms {
  private readonly tracked = new Map<string, Tracked>();
  private readonly chains = new Map<string, Promise<void>>();
  private waiting: { roomId: string; resolve: () => void; reject: (error: TetherError) => void }[] = [];
  private onlineWaiters: (() => void)[] = [];
  private online = false;
  private endError?: TetherError;

  constructor(private readonly deps: RoomsDeps) {}

  /** From now on, messages to this room wait until it is joined. */
  track(roomId: string, after?: string): void {
    if (this.tracked.has(roomId)) return;
    this.tracked.set(roomId, {
      log: new RoomLog(after),
      joinedOnce: false,
      ready: false,
      joining: false,
      early: [],
    });
  }

  /**
   * The first join of a room (again, for one joined before: its result is fresh history). A lost
   * connection does not fail it: it goes again on the next one.
   */
  async join(roomId: string, after?: string): Promise<ResultOf<'room:join'>> {
    this.track(roomId, after);
    const room = this.tracked.get(roomId)!;
    for (;;) {
      await this.whenOnline();
      try {
        const result = await this.joinOnce(roomId, room, after === undefined ? {} : { after });
        room.log.add(result.messages);
        room.log.position = result.position;
        room.joinedOnce = true;
        this.settle(room);
        return result;
      } catch (error) {
        if (isTransient(error)) continue;
        if (!room.joinedOnce) this.forget(roomId);
        throw error;
      }
    }
  }

  forget(roomId: string): void {
    this.tracked.delete(roomId);
    this.recheck();
  }

  /** The socket connected (re-join everything, then resend) or disconnected. */
  connected(up: boolean): void {
    this.online = up;
    for (const [roomId, room] of this.tracked) {
      room.ready = false;
      // A room not joined yet is joined by its `join` call, which waits for this connection.
      if (up && room.joinedOnce) void this.rejoin(roomId, room);
    }
    if (up) for (const resolve of this.onlineWaiters.splice(0)) resolve();
    this.recheck();
  }

  /** `message:new` and `message:updated`: handed over once per message and `rev`. */
  live(message: Message): void {
    const room = this.tracked.get(message.roomId);
    if (!room) return;
    if (room.joining) room.early.push({ message });
    else this.hand(message.roomId, room.log.take([message]));
  }

  liveDeleted(event: MessageDeletedEvent): void {
    const room = this.tracked.get(event.roomId);
    if (!room) return;
    if (room.joining) room.early.push({ deleted: event });
    else if (room.log.deleted(event.messageId, event.rev)) this.deps.deleted(event);
  }

  /** A change this client made itself: the application has it from the ack, so it is not handed over. */
  changed(message: Message): void {
    this.tracked.get(message.roomId)?.log.take([message]);
  }

  send(outgoing: Outgoing): Promise<Message> {
    const previous = this.chains.get(outgoing.roomId) ?? Promise.resolve();
    const result = previous.then(() => this.deliver(outgoing));
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(outgoing.roomId, done);
    void done.then(() => {
      if (this.chains.get(outgoing.roomId) === done) this.chains.delete(outgoing.roomId);
    });
    return result;
  }

  ended(error: TetherError): void {
    this.endError = error;
    this.online = false;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    for (const resolve of this.onlineWaiters.splice(0)) resolve();
  }

  private async deliver(outgoing: Outgoing): Promise<Message> {
    for (;;) {
      await this.ready(outgoing.roomId);
      try {
        const { message } = await this.deps.ack('message:send', outgoing);
        this.tracked.get(outgoing.roomId)?.log.add([message]);
        return message;
      } catch (error) {
        // No ack: stored or not, the same clientMsgId goes again, and the server keeps one.
        if (!isTransient(error)) throw error;
      }
    }
  }

  private async rejoin(roomId: string, room: Tracked): Promise<void> {
    try {
      // Servers before protocol 1.3 give no position: catch up on new messages by id.
      const cursor = room.log.position ? { since: room.log.position } : { after: room.log.catchUpFrom };
      const result = await this.joinOnce(roomId, room, cursor);
      if (result.reset) {
        room.log = new RoomLog();
        room.log.add(result.messages);
      } else this.hand(roomId, room.log.take(result.messages));
      room.log.position = result.position;
      this.settle(room);
      this.deps.room({
        roomId,
        room: result.room,
        online: result.online,
        ...(result.reset && { reset: { messages: result.messages } }),
      });
    } catch (error) {
      if (isTransient(error) || !(error instanceof TetherError) || this.tracked.get(roomId) !== room) return;
      this.tracked.delete(roomId);
      this.deps.room({ roomId, error });
      for (const waiter of this.waiting.filter((w) => w.roomId === roomId)) waiter.reject(error);
      this.waiting = this.waiting.filter((w) => w.roomId !== roomId);
    }
  }

  /** `room:join`, then, when it returned as many as a catch-up may, the rest page by page. */
  private async joinOnce(
    roomId: string,
    room: Tracked,
    cursor: { after?: string; since?: string },
  ): Promise<ResultOf<'room:join'>> {
    room.joining = true;
    try {
      const result = await this.deps.ack('room:join', { roomId, ...cursor });
      if (cursor.since !== undefined) return await this.sinceRest(roomId, result);
      const { after } = cursor;
      const messages = [...result.messages];
      // A page cut to the server's byte budget (`truncated`) has more behind it whatever its length.
      let more =
        after !== undefined &&
        messages.length > 0 &&
        (messages.length >= LIMITS.joinCatchUpMax || result.truncated === true);
      while (more) {
        const page = await this.deps.ack('messages:fetch', {
          roomId,
          after: messages.at(-1)!.id,
          limit: LIMITS.historyPageMax,
        });
        messages.push(...page.messages);
        more =
          page.messages.length > 0 &&
          (page.messages.length >= LIMITS.historyPageMax || page.truncated === true);
      }
      return { ...result, messages };
    } finally {
      room.joining = false;
    }
  }

  /** A catch-up by position: a cut page is followed from its `position` until one is whole. */
  private async sinceRest(roomId: string, first: ResultOf<'room:join'>): Promise<ResultOf<'room:join'>> {
    const messages = [...first.messages];
    let { position, truncated } = first;
    while (truncated && !first.reset) {
      const page = await this.deps.ack('messages:fetch', {
        roomId,
        since: position,
        limit: LIMITS.historyPageMax,
      });
      messages.push(...page.messages);
      position = page.position ?? position;
      truncated = page.truncated;
    }
    return { ...first, messages, position, truncated: undefined };
  }

  /** Hands over what a room log took in: new messages, changes, and tombstones as deletions. */
  private hand(roomId: string, seen: Seen[]): void {
    for (const { kind, message } of seen) {
      if (kind === 'new') this.deps.message(message);
      else if (message.deleted) this.deps.deleted({ roomId, messageId: message.id, rev: message.rev });
      else this.deps.update(message);
    }
  }

  /** A join finished: live events that came meanwhile go out if new, and its messages may be sent. */
  private settle(room: Tracked): void {
    for (const early of room.early.splice(0)) {
      if ('deleted' in early) this.liveDeleted(early.deleted);
      else this.live(early.message);
    }
    room.ready = this.online;
    this.recheck();
  }

  private async whenOnline(): Promise<void> {
    while (!this.online) {
      if (this.endError) throw this.endError;
      await new Promise<void>((resolve) => this.onlineWaiters.push(resolve));
    }
  }

  private ready(roomId: string): Promise<void> {
    if (this.endError) return Promise.reject(this.endError);
    if (this.isReady(roomId)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ roomId, resolve, reject }));
  }

  /** A message may go once connected and, for a joined room, once re-joined. */
  private isReady(roomId: string): boolean {
    const room = this.tracked.get(roomId);
    return this.online && (room === undefined || room.ready);
  }

  private recheck(): void {
    const ready = this.waiting.filter((w) => this.isReady(w.roomId));
    this.waiting = this.waiting.filter((w) => !this.isReady(w.roomId));
    for (const waiter of ready) waiter.resolve();
  }
}
