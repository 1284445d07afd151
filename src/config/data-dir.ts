import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { AppConfig } from './config.js';
import { StartupError } from './startup-error.js';

/** Whether the profile keeps anything in DATA_DIR: the SQLite file, session files, a generated secret. */
export function usesDataDir(config: AppConfig): boolean {
  return config.dataStore === 'sqlite' || config.sessionStore === 'file' || !config.sessionSecret;
}

/**
 * Creates DATA_DIR if needed and proves it is a directory this process can write, before anything
 * opens a file in it: otherwise the first failure is a raw EEXIST or EACCES stack from deep inside
 * SQLite or the secret generator, naming neither the variable nor the problem.
 */
export function ensureDataDir(config: AppConfig): void {
  if (!usesDataDir(config)) return;
  const dir = config.dataDir;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    // EEXIST: something that is not a directory has the name; said below.
    if (codeOf(error) !== 'EEXIST') {
      throw new StartupError(`DATA_DIR: cannot create ${dir} (${codeOf(error)})`, { cause: error });
    }
  }
  if (!statSync(dir).isDirectory()) {
    throw new StartupError(`DATA_DIR: ${dir} is not a directory`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupError(`DATA_DIR: ${dir} is not writable by this process (${codeOf(error)})`, {
      cause: error,
    });
  }
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);
