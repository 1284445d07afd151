import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { toApiError } from '../common/errors.js';
import { GracefulShutdown } from './graceful-shutdown.js';
import { Presence } from './presence.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { SocketIdentity } from './socket-identity.js';
import { refuseConnection } from './socket-refusal.js';
import { SocketRenewal } from './socket-renewal.js';
import type { ChatNamespace, ChatSocket } from './socket-types.js';

/**
 * The one owner of the `/chat` namespace's life, attached once by the gateway. In order:
 * 1. namespace middleware authenticates every connecting socket (guards do not run on connection)
 *    and starts tracking its expiry; a refusal becomes a typed `connect_error`;
 * 2. on connection the socket joins its identity rooms and lets go of the handshake, renewal starts
 *    counting its activity, and presence watches for its departure;
 * 3. revocations from HTTP (logout, password change) end sockets through the cluster adapter;
 * 4. on shutdown, in-flight handlers finish before every transport closes.
 */
@Injectable()
export class NamespaceLifecycle implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger(NamespaceLifecycle.name);
  private attached?: { namespace: ChatNamespace; stopRevocations: () => void };

  constructor(
    private readonly authenticator: SocketAuthenticator,
    private readonly identity: SocketIdentity,
    private readonly renewal: SocketRenewal,
    private readonly presence: Presence,
    private readonly shutdown: GracefulShutdown,
  ) {}

  /** The live namespace, for diagnostics and white-box tests. */
  get namespace(): ChatNamespace | undefined {
    return this.attached?.namespace;
  }

  attach(namespace: ChatNamespace): void {
    namespace.use((socket, next) => {
      this.admit(socket as ChatSocket).then(
        () => next(),
        (error: unknown) => {
          const { status, body } = toApiError(error);
          if (status >= 500) this.logger.error(`handshake failed: ${String(error)}`);
          refuseConnection(socket, next, body.code, body.message);
        },
      );
    });
    namespace.on('connection', (socket: ChatSocket) => {
      this.identity.admit(socket);
      this.renewal.start(socket);
      this.presence.track(socket);
    });
    this.attached = { namespace, stopRevocations: this.identity.listen(namespace) };
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.shutdown.drain(this.attached?.namespace, signal);
  }

  onModuleDestroy(): void {
    this.attached?.stopRevocations();
  }

  private async admit(socket: ChatSocket): Promise<void> {
    this.renewal.track(socket, await this.authenticator.authenticate(socket));
  }
}
