import { createApp, logProfile } from './app.factory.js';
import { installProcessGuard } from './common/process-guard.js';
import { ConfigError, loadConfig } from './config/config.js';
import { StartupError } from './config/startup-error.js';

try {
  const config = loadConfig();
  const app = await createApp(config);
  // SIGTERM drains (see GracefulShutdown); should anything hang, the process still ends.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => process.exit(1), (config.shutdownTimeoutSec + 5) * 1000).unref(),
    );
  }
  await app.listen(config.port);
  // Only once serving: a failed boot must still end the process with its error.
  installProcessGuard();
  logProfile(config);
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
