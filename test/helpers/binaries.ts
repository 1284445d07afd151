import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Whether a test prerequisite is present, and if not, a one-line reason fit for a log. */
export interface Availability {
  available: boolean;
  /** Absolute path of the executable found. */
  path?: string;
  reason?: string;
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Looks for an executable at `path` (Debian puts nginx and haproxy in /usr/sbin, which is not on
 * every user's PATH), then under `name` on the PATH.
 */
export function requireBinary(name: string, path?: string): Availability {
  const candidates = [
    ...(path ? [path] : []),
    ...(isAbsolute(name)
      ? [name]
      : (process.env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, name))),
  ];
  const found = candidates.find(isExecutable);
  if (found) return { available: true, path: found };
  return {
    available: false,
    reason: `${name} is not installed (not found at ${path ? `${path} or ` : ''}on the PATH)`,
  };
}

/** True on CI, where a missing prerequisite is a broken machine rather than a lean laptop. */
export const isCi = () => process.env.CI === 'true';

const reported = new Set<string>();

/**
 * `describe` that runs only when every requirement is available. Otherwise, on a developer's
 * machine it prints the reason once and skips; when `CI=true` it registers one failing test that
 * carries the reason, so a missing binary can never turn into a silent pass.
 *
 * @example describeWithBinary(requireBinary('redis-server'), 'Redis adapter', () => { ... })
 */
export function describeWithBinary(
  requirements: Availability | Availability[],
  title: string,
  body: (found: string[]) => void,
): void {
  const list = Array.isArray(requirements) ? requirements : [requirements];
  const missing = list.filter((r) => !r.available).map((r) => r.reason ?? 'a requirement is missing');
  if (missing.length === 0) {
    describe(title, () => body(list.map((r) => r.path ?? '')));
    return;
  }
  const reason = missing.join('; ');
  if (isCi()) {
    describe(title, () => {
      it('has its prerequisites installed (CI=true makes a missing one a failure)', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  if (!reported.has(reason)) {
    reported.add(reason);
    console.warn(`Skipping "${title}": ${reason}`);
  }
  describe.skip(title, () => body([]));
}
