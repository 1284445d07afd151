import { createApp, logProfile } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.js';

try {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port);
  logProfile(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
