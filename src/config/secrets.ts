import { hkdfSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config.js';

/** The keys the server signs with, resolved once at boot. */
export interface Secrets {
  /** Signs session cookies. */
  sessionSecret: string;
  /** HS256 key of access tokens. */
  jwtKey: Uint8Array;
}

export const SECRETS = Symbol('Secrets');

const GENERATED_FILE = 'session-secret';

/**
 * The configured secrets, or (outside production) a session secret generated on first start and
 * kept in DATA_DIR with mode 0600, so restarts and sibling processes sharing DATA_DIR agree on it;
 * the JWT key is then derived from it with HKDF.
 */
export function resolveSecrets(config: AppConfig): Secrets {
  const sessionSecret = config.sessionSecret ?? generatedSessionSecret(config);
  const jwtKey = config.jwtSecret
    ? new TextEncoder().encode(config.jwtSecret)
    : new Uint8Array(hkdfSync('sha256', sessionSecret, '', 'tether-jwt', 32));
  return { sessionSecret, jwtKey };
}

function generatedSessionSecret(config: AppConfig): string {
  if (config.env === 'production') {
    throw new Error('SESSION_SECRET is required when NODE_ENV=production');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const path = join(config.dataDir, GENERATED_FILE);
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
