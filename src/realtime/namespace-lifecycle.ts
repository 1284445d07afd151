import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppException, toApiError } from '../common/errors.js';
import { connectionRefused, socketConnected, socketDisconnected } from '../observability/events.js';
import { CONNECT_ERROR_CODES, type ConnectErrorCode } from '../protocol/socket.js';
import { ClusterCensus } from './cluster-census.js';
import { contained } from './contained.js';
import { screeningOf } from './engine-middlewares.js';
import { GracefulShutdown } from './graceful-shutdown.js';
import { Presence } from './presence.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { SocketCaps } from './socket-caps.js';
import { SocketIdentity } from './socket-identity.js';
import { refuseConnection } from './socket-refusal.js';
import { SocketRenewal } from './socket-renewal.js';
import { SocketRevocation } from './socket-revocation.js';
import type { ChatNamespace, ChatSocket } from './socket-types.js';

type Connection = ChatSocket['conn'];

/**
 * The one owner of the `/chat` namespace's life, attached once by the gateway. In order:
 * 1. namespace middleware admits each connecting socket: one socket per Engine.IO connection,
 *    the handshake rate and the caps per address and per user, authentication (guards do not run
 *    on connection), then tracking of its expiry; a refusal becomes a typed `connect_error`;
 * 2. on connection the socket joins its identity rooms and lets go of the handshake, renewal starts
 *    counting its activity, and presence watches for its departure;
 * 3. revocations from HTTP (logout, password change) and the server API end sockets on every
 *    instance, and every instance answers the server API's census;
 * 4. on shutdown, in-flight handlers finish before every transport closes.
 * Every callback here is contained: nothing a client sends can throw into the process.
 */
@Injectable()
export class NamespaceLifecycle implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger(NamespaceLifecycle.name);
  private attached?: { namespace: ChatNamespace; stopListening: () => void };
  /** Engine.IO connections that already carried a `/chat` CONNECT. */
  private readonly used = new WeakSet<Connection>();

  constructor(
    private readonly authenticator: SocketAuthenticator,
    private readonly caps: SocketCaps,
    private readonly identity: SocketIdentity,
    private readonly renewal: SocketRenewal,
    private readonly presence: Presence,
    private readonly revocation: SocketRevocation,
    private readonly shutdown: GracefulShutdown,
    private readonly census: ClusterCensus,
  ) {}

  /** The live namespace, for diagnostics and white-box tests. */
  get namespace(): ChatNamespace | undefined {
    return this.attached?.namespace;
  }

  attach(namespace: ChatNamespace): void {
    namespace.use((socket, next) =>
      contained(this.logger, 'socket admission', () =>
        this.admit(socket as ChatSocket).then(
          () => next(),
          (error: unknown) => this.refuse(socket as ChatSocket, next, error),
        ),
      ),
    );
    namespace.on('connection', (socket: ChatSocket) =>
      contained(
        this.logger,
        'socket connection',
        () => this.connected(socket),
        () => socket.disconnect(true),
      ),
    );
    const stops = [
      this.revocation.listen(namespace),
      this.census.listen(namespace),
      this.presence.listen(namespace),
    ];
    this.attached = { namespace, stopListening: () => stops.forEach((stop) => stop()) };
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.shutdown.drain(this.attached?.namespace, signal);
  }

  onModuleDestroy(): void {
    this.attached?.stopListening();
  }

  private async admit(socket: ChatSocket): Promise<void> {
    const conn = socket.conn;
    // One socket per connection, ever. A second CONNECT (pipelined, or after a namespace
    // DISCONNECT) would be judged after the handshake request was released, and a connection
    // hopping between identities would confuse every cap below; clients reconnect on a new one.
    if (this.used.has(conn)) throw new AppException('CONNECTION_REUSED');
    this.used.add(conn);
    const screening = screeningOf(socket.request);
    if (!screening) throw new AppException('UNAUTHENTICATED');
    if (screening.refusal) throw screening.refusal;
    // A transport that closes before the connection completes never emits `disconnect`.
    conn.once('close', () => this.forget(socket));
    this.caps.holdAddress(socket.id, screening.address);
    const admission = await this.authenticator.authenticate(socket);
    await this.caps.holdUser(socket.id, admission.identity.user.id);
    this.renewal.track(socket, admission);
  }

  private refuse(socket: ChatSocket, next: (err?: Error) => void, error: unknown): void {
    const { status, body } = toApiError(error);
    if (status >= 500) this.logger.error(`handshake failed: ${String(error)}`);
    const code = (CONNECT_ERROR_CODES as readonly string[]).includes(body.code)
      ? (body.code as ConnectErrorCode)
      : 'INTERNAL';
    connectionRefused(code, { ip: screeningOf(socket.request)?.address });
    refuseConnection(socket, next, code, body.message, body.details);
  }

  private connected(socket: ChatSocket): unknown {
    this.renewal.start(socket);
    this.presence.track(socket);
    const { via, user } = socket.data;
    socketConnected(via, { socketId: socket.id, userId: user.id });
    socket.on('disconnect', (reason) =>
      contained(this.logger, 'socket departure', () => {
        socketDisconnected(via, { socketId: socket.id, userId: user.id, reason });
        this.forget(socket);
        // A connection serves one socket: once it left the namespace, nothing else can use it.
        if (reason === 'client namespace disconnect') socket.conn.close();
      }),
    );
    // Some adapters join rooms asynchronously.
    return this.identity.admit(socket);
  }

  private forget(socket: ChatSocket): void {
    this.renewal.forget(socket);
    this.caps.release(socket.id);
  }
}
