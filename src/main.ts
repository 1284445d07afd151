import { portFrom } from './config/port.js';
import { StartupError } from './config/startup-error.js';
import { listenEarly, type EarlyListener } from './http/early-listener.js';

let early: EarlyListener | undefined;
try {
  // Listening first, and the configuration's rules, Nest and the drivers loaded only then: a
  // restarted instance takes its clients' retries at once and serves them as soon as it is ready.
  const port = portFrom();
  if (port !== undefined) early = await listenEarly(port);
  const { loadConfig } = await import('./config/config.js');
  const config = loadConfig();
  const { createApp, logProfile } = await import('./app.factory.js');
  const app = await createApp(config, early?.server);
  // SIGTERM drains (see GracefulShutdown); should anything hang, the process still ends.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => process.exit(1), (config.shutdownTimeoutSec + 5) * 1000).unref(),
    );
  }
  await app.listen(config.port);
  early?.release();
  // Only once serving: a failed boot must still end the process with its error.
  const { installProcessGuard } = await import('./common/process-guard.js');
  installProcessGuard();
  logProfile(config);
} catch (error) {
  early?.abort();
  const { ConfigError } = await import('./config/config.js');
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
