import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, listeningLine } from './app.factory.js';
import type { AppConfig } from './config/config.js';
import { LISTEN_BACKLOG, type EarlyListener } from './http/early-listener.js';
import { listenError } from './http/listen-error.js';
import { configureLogging } from './observability/logger.js';
import { httpUrl, startMetricsServer } from './observability/metrics-server.js';

/**
 * Builds the app, binds it (unless `listenEarly` did) (and the metrics port, when set) and says where, in one line. A bind
 * that fails is a StartupError naming PORT or HOST; Nest's own `listen` would log it as an error
 * with a stack first.
 */
export async function serve(config: AppConfig, early?: EarlyListener): Promise<NestExpressApplication> {
  const app = await createApp(config, early?.server);
  try {
    await app.init();
    const server = app.getHttpServer() as Server;
    // Already bound by `listenEarly`: the connections it held meet a ready app.
    if (early) early.release();
    else await bind(server, config.port, config.host, 'PORT');
    const url = httpUrl(server.address() as AddressInfo);
    const logger = configureLogging(config).root;
    if (config.metricsPort !== undefined) {
      const metrics = await startMetricsServer(config.metricsPort, config.host).catch((error: unknown) => {
        throw listenError(error, 'METRICS_PORT', config.metricsPort!, config.host);
      });
      app.getHttpServer().once('close', () => metrics.server.close());
      logger.info(`metrics on ${metrics.url}`);
    }
    logger.info(listeningLine(config, url));
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

function bind(server: Server, port: number, host: string | undefined, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(listenError(error, variable, port, host));
    server.once('error', fail);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', fail);
      resolve();
    });
  });
}
