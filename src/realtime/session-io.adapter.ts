import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { PassportStatic } from 'passport';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { OriginPolicy } from '../auth/origin-policy.js';
import type { AppConfig } from '../config/config.js';
import type { Middleware, SharedSession } from '../session/session-middleware.js';
import { clientAddressCheck } from '../session/request-security.js';
import type { AdapterConstructor } from './cluster-adapter.factory.js';
import {
  announcedBodyGate,
  drainGate,
  onlyForHandshake,
  originGate,
  screenHandshakes,
} from './engine-middlewares.js';
import { bindDisconnect, bindEventHandlers } from './event-dispatch.js';
import { EventsInFlight } from './graceful-shutdown.js';
import { capOutboundBuffers } from './outbound-buffer-cap.js';
import { SocketCaps } from './socket-caps.js';
import { refuseConnection } from './socket-refusal.js';

export interface SessionIoAdapterDeps {
  config: AppConfig;
  session: SharedSession;
  passport: PassportStatic;
  policy: OriginPolicy;
  /** The cluster adapter; undefined for Socket.IO's in-memory one. */
  cluster?: AdapterConstructor;
  /** True once the instance drains for shutdown: new handshakes are refused with 503. */
  isDraining: () => boolean;
}

/**
 * The Socket.IO server of the app: every server option lives here (gateways only name their
 * namespace), and the HTTP session middleware and passport run on each handshake so a socket
 * carries the identity of the session that opened it.
 */
export class SessionIoAdapter extends IoAdapter {
  private readonly dispatchLogger = new Logger('EventDispatch');
  private inFlight?: EventsInFlight;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly deps: SessionIoAdapterDeps,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { config, session, passport, policy, cluster, isDraining } = this.deps;
    const serverOptions: Partial<ServerOptions> = {
      ...options,
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: config.socketMaxPayloadBytes,
      pingInterval: 25_000,
      pingTimeout: 20_000,
      // A transport that joins no namespace is closed after this long.
      connectTimeout: 10_000,
      // Second line behind the origin gate below, which answers first.
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        callback(null, origin === undefined || policy.isAllowedOrigin(origin, req));
      },
      // No connection state recovery: it trusts the client's `pid` (a foreign one inherits
      // another socket's rooms), writes the missed packets before any middleware can refuse the
      // socket, and keeps every broadcast for minutes (unbounded on the Mongo adapter). Clients
      // catch up with `room:join {after}` from the message store instead.
      connectionStateRecovery: undefined,
      cors:
        policy.explicitOrigins.length > 0 ? { origin: policy.explicitOrigins, credentials: true } : undefined,
      ...(cluster ? { adapter: cluster } : {}),
      cookie: false,
    };
    // socket.io's ServerOptions marks every option as required; the constructor fills defaults.
    const server: Server = super.createIOServer(port, serverOptions as ServerOptions);
    // Only `/chat` serves anyone; a connection to the main namespace would be a transport that
    // authenticated nothing and lingered.
    server.use((socket, next) =>
      refuseConnection(socket, next, 'NOT_FOUND', 'Connect to the /chat namespace'),
    );
    server.engine.use(originGate(policy));
    server.engine.use(drainGate(isDraining));
    server.engine.use(announcedBodyGate(config.socketMaxPayloadBytes));
    server.engine.use(screenHandshakes(this.app.get(SocketCaps), clientAddressCheck(config.trustProxy)));
    server.engine.use(onlyForHandshake(session.middleware));
    server.engine.use(onlyForHandshake(passport.initialize() as Middleware));
    server.engine.use(onlyForHandshake(passport.session() as Middleware));
    capOutboundBuffers(server.engine, config.socketMaxBufferedBytes);
    return server;
  }

  /** One listener per socket instead of Nest's rxjs chain per handler (see `bindEventHandlers`). */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[]): void {
    this.inFlight ??= this.app.get(EventsInFlight);
    bindEventHandlers(
      socket,
      handlers,
      (payload) => this.mapPayload(payload),
      this.dispatchLogger,
      this.inFlight,
    );
  }

  /** One disconnect listener per socket for all its gateways (Nest binds one per gateway). */
  override bindClientDisconnect(socket: Socket, callback: (reason: string) => void): void {
    bindDisconnect(socket, callback);
  }
}
