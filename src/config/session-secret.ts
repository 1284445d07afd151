import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config.js';

const FILE_NAME = 'session-secret';

/**
 * The configured secret, or (outside production) one generated on first start and kept in
 * DATA_DIR with mode 0600 so restarts and sibling processes sharing DATA_DIR agree on it.
 */
export function resolveSessionSecret(config: AppConfig): string {
  if (config.sessionSecret) return config.sessionSecret;
  if (config.env === 'production') {
    throw new Error('SESSION_SECRET is required when NODE_ENV=production');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const path = join(config.dataDir, FILE_NAME);
  // Written aside and linked into place, so a sibling process never reads a half-written file.
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return readFileSync(path, 'utf8').trim();
}
