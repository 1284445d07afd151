import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Server } from 'node:http';

/**
 * Nest's Express adapter on a server that already listens (`listenEarly`): the app is served on it
 * instead of one of its own (`serve` then binds nothing).
 */
export class ListeningServerAdapter extends ExpressAdapter {
  constructor(private readonly listening: Server) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    this.listening.on('request', this.getInstance());
    this.setHttpServer(this.listening);
  }
}
