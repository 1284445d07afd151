import { installProcessGuard } from './common/process-guard.js';
import { ConfigError, loadConfig } from './config/config.js';
import { StartupError } from './config/startup-error.js';
import { serve } from './serve.js';

try {
  const config = loadConfig();
  const app = await serve(config);
  // SIGTERM drains (see GracefulShutdown); should anything hang, the process still ends.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => process.exit(1), (config.shutdownTimeoutSec + 5) * 1000).unref(),
    );
  }
  // Only once serving: a failed boot must still end the process with its error.
  installProcessGuard();
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  // An environment problem, not a bug: one line naming the variable, no stack, exit code 1.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
