/**
 * Something the configuration points at cannot be used (a database that does not answer, a
 * standalone server where a replica set is needed). The process prints the message, one line that
 * names the variable, and exits; a stack trace would only bury it.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
