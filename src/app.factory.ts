import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import helmet from 'helmet';
import type { PassportStatic } from 'passport';
import { AppModule } from './app.module.js';
import { isUnsafeMethod, OriginPolicy } from './auth/origin-policy.js';
import { PASSPORT } from './auth/passport.provider.js';
import { AppException } from './common/errors.js';
import { AppConfig, loadConfig } from './config/config.js';
import { ensureDataDir } from './config/data-dir.js';
import { resolveSecrets } from './config/secrets.js';
import { logEvent } from './observability/events.js';
import { configureLogging } from './observability/logger.js';
import { startMetrics } from './observability/metrics.js';
import { requestLogger } from './observability/request-log.js';
import { createClusterAdapter } from './realtime/cluster-adapter.factory.js';
import { GracefulShutdown } from './realtime/graceful-shutdown.js';
import { SessionIoAdapter } from './realtime/session-io.adapter.js';
import { SHARED_SESSION } from './session/session.module.js';
import { closeConnections, openConnections } from './storage/connections.js';
import type { SharedSession } from './session/session-middleware.js';
import { refuseAnnouncedOversize } from './http/announced-body-limit.js';
import { applyHttpServerLimits } from './http/http-server-limits.js';
import { helmetOptions, serveWebApp } from './http/web-app.js';
import { ListeningServerAdapter } from './http/listening-server.adapter.js';

/**
 * Builds the whole application, HTTP middleware order included. `main.ts` and every test go
 * through here, so a test app is the production app.
 */
export async function createApp(
  config: AppConfig = loadConfig(),
  /** A server `listenEarly` opened; the app then serves on it instead of creating its own. */
  httpServer?: Server,
): Promise<NestExpressApplication> {
  const logging = configureLogging(config);
  startMetrics(config.instanceId);
  ensureDataDir(config);
  const secrets = resolveSecrets(config);
  const connections = await openConnections(config);
  const module = AppModule.forRoot(config, secrets, connections);
  const options: NestApplicationOptions = { bodyParser: false, logger: logging.nest };
  const app = await (
    httpServer
      ? NestFactory.create<NestExpressApplication>(module, new ListeningServerAdapter(httpServer), options)
      : NestFactory.create<NestExpressApplication>(module, options)
  ).catch(async (error: unknown) => {
    await closeConnections(connections);
    throw error;
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  applyHttpServerLimits(app.getHttpServer(), config);

  const policy = new OriginPolicy(config);
  const session = app.get<SharedSession>(SHARED_SESSION);
  const passport = app.get<PassportStatic>(PASSPORT);

  // First: a request refused by any gate below still gets its line and its id.
  app.use(requestLogger(logging.root));
  app.use(helmet(helmetOptions()));
  app.use(refuseAnnouncedOversize(config.httpBodyLimitBytes));
  serveWebApp(app);
  if (policy.explicitOrigins.length > 0) {
    app.enableCors({ origin: policy.explicitOrigins, credentials: true });
  }
  // Before the body is read or the session touched: a refused request leaves no trace.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (!isUnsafeMethod(req.method) || !policy.isCrossOrigin(req)) return next();
    logEvent('origin_refused', { transport: 'http', path: req.path });
    next(new AppException('CROSS_ORIGIN'));
  });
  app.useBodyParser('json', { limit: config.httpBodyLimitBytes });
  app.use(session.middleware);
  app.use(passport.initialize());
  app.use(passport.session());

  // The cluster adapter is connected before the server exists, and installed from here: Nest
  // ignores an adapter set from a lifecycle hook.
  const cluster = await createClusterAdapter(config, connections);
  const shutdown = app.get(GracefulShutdown);
  app.useWebSocketAdapter(
    new SessionIoAdapter(app, {
      config,
      session,
      passport,
      policy,
      cluster,
      isDraining: () => shutdown.draining,
    }),
  );
  return app;
}

/** The one line that says where this instance serves and on what, once it does. */
export function listeningLine(config: AppConfig, url: string): string {
  return (
    `Tether listening on ${url} (instance ${config.instanceId}; data ${config.dataStore}, ` +
    `sessions ${config.sessionStore}, adapter ${config.ioAdapter})`
  );
}
