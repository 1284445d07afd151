import { Logger } from '@nestjs/common';
import { MongoAdapter, type MongoAdapterOptions } from '@socket.io/mongo-adapter';
import type { Collection } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { Namespace } from 'socket.io';
import type { Adapter, BroadcastOptions } from 'socket.io-adapter';
import { AdapterChangeStream, type AdapterStreamOptions } from './mongo-adapter-stream.js';
import { OutageLog } from './outage-log.js';

/** A document the adapter inserts (upstream's shape). */
interface AdapterDocument {
  type: number;
  data?: { packet?: object; requestId?: string };
}

/** Upstream's `EventType.BROADCAST`, which the package does not export. */
const BROADCAST = 3;

/**
 * `MongoAdapter` as 0.4.0 is at runtime: every insert goes through `publish`, which only its
 * typings call private. Tether overrides it, so package.json pins the version exactly.
 */
interface MongoAdapterInternals extends Omit<Adapter, 'broadcast' | 'close'> {
  publish(document: AdapterDocument): Promise<string>;
  onEvent(event: unknown): Promise<void>;
  /** Resolves once the insert settled and, if it succeeded, local delivery is scheduled. */
  broadcast(packet: object, opts: BroadcastOptions): Promise<void>;
  close(): Promise<void> | void;
}
type MongoAdapterBase = new (
  nsp: Namespace,
  collection: Collection,
  options: Partial<MongoAdapterOptions>,
) => MongoAdapterInternals;

interface AdapterHooks {
  inserts: OutageLog;
  closed(adapter: TetherMongoAdapter): Promise<void>;
}

/**
 * Upstream's adapter for one namespace, with two fixes. Upstream leaves several insert promises
 * unhandled (the request of a cluster-wide `fetchSockets`, upstream issue #15, and the replies to
 * broadcast acks): with MongoDB out of reach that is an unhandled rejection, which ends the process.
 * And a broadcast whose insert failed was dropped even for this instance's own sockets.
 */
class TetherMongoAdapter extends (MongoAdapter as unknown as MongoAdapterBase) {
  /** Broadcast packets whose insert failed; this instance's sockets still get them. */
  private readonly unpublished = new WeakSet<object>();

  constructor(
    nsp: Namespace,
    collection: Collection,
    options: Partial<MongoAdapterOptions>,
    private readonly hooks: AdapterHooks,
  ) {
    super(nsp, collection, options);
  }

  /**
   * Every insert's outcome is handled here, before any caller sees it, so none can go unhandled.
   * (Upstream's constructor publishes before this class's fields exist; the handlers run later.)
   */
  override publish(document: AdapterDocument): Promise<string> {
    const published = super.publish(document);
    published.then(
      () => this.hooks.inserts.succeeded(),
      (error: unknown) => {
        if (document.type === BROADCAST && document.data?.packet && !document.data.requestId) {
          this.unpublished.add(document.data.packet);
        }
        // Rejected with a string once the adapter is closed: shutting down is no outage.
        if (error instanceof Error) this.hooks.inserts.failed(error);
      },
    );
    return published;
  }

  override async broadcast(packet: object, opts: BroadcastOptions): Promise<void> {
    await super.broadcast(packet, opts);
    // Upstream awaited the insert and returned without local delivery when it failed. The handler
    // above ran first (it was attached to the same promise earlier), so the mark is already set.
    if (this.unpublished.delete(packet)) {
      await super.broadcast(packet, { ...opts, flags: { ...opts.flags, local: true } });
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await this.hooks.closed(this);
  }
}

export interface TetherMongoAdapterOptions extends Omit<AdapterStreamOptions, 'uid'> {
  /** This instance's name among the adapters. @default random */
  uid?: string;
  /** How long a cluster-wide request (`fetchSockets`, `serverSideEmit` with ack) waits. @default 5000 */
  requestsTimeout?: number;
  /** @default 5000 */
  heartbeatInterval?: number;
  /** Silence after which another instance counts as gone. @default 10000 */
  heartbeatTimeout?: number;
}

/**
 * Tether's Socket.IO adapter over MongoDB: upstream's `MongoAdapter` per namespace, all of them
 * fed by one `AdapterChangeStream` (upstream's `createAdapter` can end up with two streams after a
 * failover, and ships every TTL delete). `events` should come from `ensureAdapterCollection`:
 * documents carry `createdAt` for its TTL index.
 */
export function createMongoAdapter(
  events: Collection,
  options: TetherMongoAdapterOptions = {},
): (nsp: Namespace) => MongoAdapter {
  const {
    uid = randomBytes(8).toString('hex'),
    requestsTimeout,
    heartbeatInterval,
    heartbeatTimeout,
  } = options;
  const logger = options.logger ?? new Logger('MongoAdapter');
  const adapters = new Map<string, TetherMongoAdapter>();
  const stream = new AdapterChangeStream(events, { ...options, uid, logger }, (change) => {
    adapters
      .get(change.fullDocument.nsp)
      ?.onEvent(change)
      .catch((error: unknown) => logger.warn(`adapter event not handled: ${String(error)}`));
  });
  const hooks: AdapterHooks = {
    inserts: new OutageLog(logger, "the adapter's inserts"),
    closed: async (adapter) => {
      if (adapters.get(adapter.nsp.name) === adapter) adapters.delete(adapter.nsp.name);
      if (adapters.size === 0) await stream.stop();
    },
  };
  // A function, not a class: Socket.IO calls it with `new`, which then returns the adapter.
  return function adapterFor(nsp: Namespace) {
    stream.start();
    const adapter = new TetherMongoAdapter(
      nsp,
      events,
      { uid, addCreatedAtField: true, requestsTimeout, heartbeatInterval, heartbeatTimeout },
      hooks,
    );
    adapters.set(nsp.name, adapter);
    return adapter as unknown as MongoAdapter;
  };
}
