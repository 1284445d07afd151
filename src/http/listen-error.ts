import { StartupError } from '../config/startup-error.js';

/** What a failed `listen` means for an operator, by its errno. */
const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'is already in use',
  EACCES: 'needs privileges this process lacks',
  EADDRNOTAVAIL: 'is not an address of this host',
  ENOTFOUND: 'does not resolve',
};

/** A bind that failed for a reason of the environment, as a StartupError naming the variable. */
export function listenError(error: unknown, variable: string, port: number, host: string | undefined): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const problem = LISTEN_PROBLEMS[code];
  if (!problem) return error as Error;
  const where = `${host ?? '*'}:${port}`;
  const culprit = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'HOST' : variable;
  return new StartupError(`${culprit}: ${culprit === 'HOST' ? host : where} ${problem} (${code})`, {
    cause: error,
  });
}
