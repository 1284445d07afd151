import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { rateLimited } from '../observability/events.js';
import { observeAck } from '../observability/metrics.js';
import { LIMITS } from '../protocol/limits.js';
import type { ChatNamespace } from './socket-types.js';

/**
 * SIGTERM without dropping work: refuse new handshakes, let in-flight event handlers finish and
 * ack, then close every transport. Clients see a transport close (not `io server disconnect`), so
 * they reconnect, through the load balancer, to another instance. Nest then closes the servers,
 * the adapter and the database clients.
 */
@Injectable()
export class GracefulShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private inFlight = 0;
  private idle?: () => void;
  draining = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  begin(): void {
    this.inFlight += 1;
  }

  end(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) this.idle?.();
  }

  /** Called by `NamespaceLifecycle` before Nest closes the servers. */
  async drain(namespace: ChatNamespace | undefined, signal?: string): Promise<void> {
    this.draining = true;
    const deadline = this.config.shutdownTimeoutSec * 1000;
    if (this.inFlight > 0) {
      const finished = await Promise.race([
        new Promise<boolean>((resolve) => (this.idle = () => resolve(true))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadline).unref()),
      ]);
      if (!finished) this.logger.warn(`${this.inFlight} event handlers still running at shutdown`);
    }
    const sockets = namespace?.server.engine.clientsCount ?? 0;
    namespace?.server.engine.close();
    if (signal) this.logger.log(`${signal}: closed ${sockets} connections; shutting down`);
  }
}

/**
 * Counts running event handlers: all of them for `GracefulShutdown`, and each socket's, because
 * every running handler holds its reads and its ack in memory and a client could start any number
 * of them without reading one answer. Past `LIMITS.eventsInFlightMax` an event is answered
 * `RATE_LIMITED` without running. The adapter's event dispatch (`event-dispatch.ts`) wraps every
 * handler in it: as a Nest interceptor it cost each event an rxjs chain.
 */
@Injectable()
export class EventsInFlight {
  private readonly perSocket = new WeakMap<object, number>();

  constructor(private readonly shutdown: GracefulShutdown) {}

  /** Starts `event` on `socket` and returns its end; throws `RATE_LIMITED` past the socket's cap. */
  start(socket: object, event: string): () => void {
    const running = this.perSocket.get(socket) ?? 0;
    if (running >= LIMITS.eventsInFlightMax) {
      rateLimited('events-in-flight');
      throw new AppException('RATE_LIMITED', 'Too many unanswered events; wait for their acks', TOO_MANY);
    }
    this.perSocket.set(socket, running + 1);
    this.shutdown.begin();
    const startedAt = performance.now();
    return () => {
      observeAck(event, startedAt);
      this.shutdown.end();
      this.perSocket.set(socket, (this.perSocket.get(socket) ?? 1) - 1);
    };
  }
}

const TOO_MANY = { retryAfterSec: 1 };
