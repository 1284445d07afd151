import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { closeConnections, CONNECTIONS, type Connections } from './connections.js';
import { SQLITE, type Sqlite } from './sqlite.js';

/** Closes the database handles last, after Nest has closed the HTTP and Socket.IO servers. */
@Injectable()
export class ResourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(CONNECTIONS) private readonly connections: Connections,
    @Optional() @Inject(SQLITE) private readonly sqlite?: Sqlite,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.sqlite?.close();
    await closeConnections(this.connections);
  }
}
