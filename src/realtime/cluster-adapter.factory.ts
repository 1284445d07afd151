import type { Server } from 'socket.io';
import type { AppConfig } from '../config/config.js';

/** What `Server#adapter()` accepts. */
export type AdapterConstructor = NonNullable<Parameters<Server['adapter']>[0]>;

/** The Socket.IO cluster adapter for the configured profile, and how to release what it holds. */
export interface ClusterAdapter {
  /** Undefined: Socket.IO's in-memory adapter (one instance). */
  readonly adapter?: AdapterConstructor;
  close(): Promise<void>;
}

export async function createClusterAdapter(config: AppConfig): Promise<ClusterAdapter> {
  switch (config.ioAdapter) {
    case 'memory':
      return { close: async () => undefined };
    default:
      throw new Error(`IO_ADAPTER=${config.ioAdapter} is not available in this build`);
  }
}
