import { ConfigError } from './config/config-error.js';
import { listenAddress } from './config/listen-address.js';
import { StartupError } from './config/startup-error.js';
import { listenEarly, type EarlyListener } from './http/early-listener.js';
import { listenError } from './http/listen-error.js';

let early: EarlyListener | undefined;
try {
  // Listening first, before even the configuration's schema library loads, and Nest and the
  // drivers only then: a restarted instance takes its clients' retries at once and serves them as
  // soon as it is ready. A PORT or HOST that is not valid listens nowhere: `loadConfig` says why.
  const address = listenAddress(process.env);
  if (address) {
    early = await listenEarly(address.port, address.host).catch((error: unknown) => {
      throw listenError(error, 'PORT', address.port, address.host);
    });
  }
  const { loadConfig } = await import('./config/config.js');
  const config = loadConfig();
  const { serve } = await import('./serve.js');
  const app = await serve(config, early);
  // SIGTERM drains (see GracefulShutdown); should anything hang, the process still ends.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => process.exit(1), (config.shutdownTimeoutSec + 5) * 1000).unref(),
    );
  }
  // Only once serving: a failed boot must still end the process with its error.
  const { installProcessGuard } = await import('./common/process-guard.js');
  installProcessGuard();
} catch (error) {
  early?.abort();
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  // An environment problem, not a bug: one line naming the variable, no stack, exit code 1.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
