import { BEFORE_FIRST_MESSAGE, type Message } from './protocol.js';

/** How many already-seen messages a catch-up by id asks for again (see `catchUpFrom`). */
const CATCH_UP_OVERLAP = 20;
/** Seen ids kept per room: far more than a catch-up window, so a redelivered one is recognised. */
const REMEMBERED = 2_000;

/** What a message a room log took in is to the application. */
export type Seen = { kind: 'new'; message: Message } | { kind: 'changed'; message: Message };

/**
 * What this client has seen of one joined room: its recent messages' ids with the `rev` it holds of
 * each, to hand every message and every change to the application once, and the room's `position`
 * to catch up from.
 */
export class RoomLog {
  private readonly ids: string[] = [];
  private readonly revs = new Map<string, string>();
  /** The last position an ack gave: everything up to it is in what this client was handed. */
  position?: string;

  /** `after`: where the application asked to start, before any message was seen. */
  constructor(private readonly after?: string) {}

  /** Records new messages; returns those not seen before, in id order. */
  add(messages: readonly Message[]): Message[] {
    return this.take(messages)
      .filter((seen) => seen.kind === 'new')
      .map((seen) => seen.message)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Records messages in any state: those it never saw and newer than the oldest it holds are new,
   * those it holds an older `rev` of, or older than all it holds, are changed, the rest were seen.
   * In the given order.
   */
  take(messages: readonly Message[]): Seen[] {
    const seen: Seen[] = [];
    for (const message of messages) {
      const held = this.revs.get(message.id);
      const rev = message.rev ?? message.id;
      if (held !== undefined) {
        if (rev <= held) continue;
        this.revs.set(message.id, rev);
        seen.push({ kind: 'changed', message });
        continue;
      }
      // Older than all it holds: a message from before what it was handed (or forgotten), changed.
      const isNew = this.ids.length === 0 || message.id > this.ids[0];
      this.remember(message.id, rev);
      seen.push({ kind: isNew ? 'new' : 'changed', message });
    }
    return seen;
  }

  /** A deletion announced live: whether this client had not seen it yet. */
  deleted(messageId: string, rev: string): boolean {
    const held = this.revs.get(messageId);
    if (held !== undefined && rev <= held) return false;
    this.remember(messageId, rev);
    return true;
  }

  get newest(): string | undefined {
    return this.ids.at(-1);
  }

  /**
   * Where a re-join by id catches up from (servers before protocol 1.3, which give no position): a
   * window behind the newest message seen, because live events relayed between instances can
   * arrive out of id order. The overlap comes back and `add` drops it.
   */
  get catchUpFrom(): string {
    if (this.ids.length === 0) return this.after ?? BEFORE_FIRST_MESSAGE;
    return this.ids[Math.max(0, this.ids.length - 1 - CATCH_UP_OVERLAP)];
  }

  private remember(id: string, rev: string): void {
    if (!this.revs.has(id)) {
      this.ids.push(id);
      if (this.ids.length > 1 && id < this.ids[this.ids.length - 2]) this.ids.sort();
    }
    this.revs.set(id, rev);
    for (const old of this.ids.splice(0, Math.max(0, this.ids.length - REMEMBERED))) this.revs.delete(old);
  }
}
