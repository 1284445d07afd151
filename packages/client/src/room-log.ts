import { BEFORE_FIRST_MESSAGE, type Message } from './protocol.js';

/** How many already-seen messages a catch-up asks for again (see `catchUpFrom`). */
const CATCH_UP_OVERLAP = 20;
/** Seen ids kept per room: far more than a catch-up window, so a redelivered one is recognised. */
const REMEMBERED = 2_000;

/**
 * What this client has seen of one joined room: the ids of its recent messages, in id order, to
 * hand each message to the application once and to know where to catch up from.
 */
export class RoomLog {
  private readonly ids: string[] = [];
  private readonly known = new Set<string>();

  /** `after`: where the application asked to start, before any message was seen. */
  constructor(private readonly after?: string) {}

  /** Records messages; returns those not seen before, in id order. */
  add(messages: readonly Message[]): Message[] {
    const fresh = messages.filter((m) => !this.known.has(m.id) && this.known.add(m.id));
    if (fresh.length === 0) return fresh;
    this.ids.push(...fresh.map((m) => m.id));
    this.ids.sort();
    for (const id of this.ids.splice(0, Math.max(0, this.ids.length - REMEMBERED))) this.known.delete(id);
    return [...fresh].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get newest(): string | undefined {
    return this.ids.at(-1);
  }

  /**
   * Where a re-join catches up from: a window behind the newest message seen, because live events
   * relayed between instances can arrive out of id order, so the newest one does not prove that
   * everything before it arrived. The overlap comes back and `add` drops it. A room joined while
   * it had no messages catches up from its beginning.
   */
  get catchUpFrom(): string {
    if (this.ids.length === 0) return this.after ?? BEFORE_FIRST_MESSAGE;
    return this.ids[Math.max(0, this.ids.length - 1 - CATCH_UP_OVERLAP)];
  }
}
