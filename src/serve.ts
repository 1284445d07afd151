import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, listeningLine } from './app.factory.js';
import type { AppConfig } from './config/config.js';
import { StartupError } from './config/startup-error.js';
import { configureLogging } from './observability/logger.js';
import { httpUrl, startMetricsServer } from './observability/metrics-server.js';

/** What a failed `listen` means for an operator, by its errno. */
const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'is already in use',
  EACCES: 'needs privileges this process lacks',
  EADDRNOTAVAIL: 'is not an address of this host',
  ENOTFOUND: 'does not resolve',
};

/**
 * Builds the app, binds it (and the metrics port, when set) and says where, in one line. A bind
 * that fails is a StartupError naming PORT or HOST; Nest's own `listen` would log it as an error
 * with a stack first.
 */
export async function serve(config: AppConfig): Promise<NestExpressApplication> {
  const app = await createApp(config);
  try {
    await app.init();
    const server = app.getHttpServer() as Server;
    await bind(server, config.port, config.host, 'PORT');
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
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

function listenError(error: unknown, variable: string, port: number, host: string | undefined): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const problem = LISTEN_PROBLEMS[code];
  if (!problem) return error as Error;
  const where = `${host ?? '*'}:${port}`;
  const culprit = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'HOST' : variable;
  return new StartupError(`${culprit}: ${culprit === 'HOST' ? host : where} ${problem} (${code})`, {
    cause: error,
  });
}
