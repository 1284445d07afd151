import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Server } from 'node:http';

/**
 * Nest's Express adapter on a server that already listens (`listenEarly`): the app is served on
 * it, and `app.listen` only confirms, with the port it was opened on.
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

  override listen(_port: string | number, ...args: unknown[]): Server {
    const callback = args.at(-1);
    if (typeof callback === 'function') process.nextTick(callback as () => void);
    return this.listening;
  }
}
