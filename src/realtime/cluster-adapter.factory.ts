import { createAdapter as createRedisAdapter } from '@socket.io/redis-streams-adapter';
import type { Server } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import type { Connections } from '../storage/connections.js';
import { ensureAdapterCollection } from '../storage/mongo/mongo-adapter-collection.js';
import { createMongoAdapter } from './mongo-adapter.js';

/** What `Server#adapter()` accepts. */
export type AdapterConstructor = NonNullable<Parameters<Server['adapter']>[0]>;

/**
 * The Socket.IO cluster adapter for the configured profile: it carries broadcasts,
 * `disconnectSockets`, `fetchSockets` and `serverSideEmit` to every instance.
 * Undefined means Socket.IO's in-memory adapter (one instance).
 */
export async function createClusterAdapter(
  config: AppConfig,
  connections: Connections,
): Promise<AdapterConstructor | undefined> {
  switch (config.ioAdapter) {
    case 'memory':
      return undefined;
    case 'redis':
      // The adapter duplicates the client for its blocking stream reads.
      return createRedisAdapter(connections.redisAdapter!, {
        streamName: 'tether:socket.io',
      }) as AdapterConstructor;
    case 'mongo': {
      // It stores handshakes (cookies, tokens) and socket data for cross-node queries: the
      // collection must be readable by Tether only. Documents expire through a TTL index.
      const events = await ensureAdapterCollection(connections.mongo!.db);
      return createMongoAdapter(events) as unknown as AdapterConstructor;
    }
  }
}
