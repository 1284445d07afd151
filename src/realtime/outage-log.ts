import type { Logger } from '@nestjs/common';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Logs a run of failures as a few lines: the first, then at 10, 100, 1000... failures, then the
 * recovery. During an outage every broadcast fails; a line for each would bury the log.
 */
export class OutageLog {
  private failures = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
    /** What fails, as the subject of a sentence: "the adapter's inserts". */
    private readonly what: string,
  ) {}

  failed(error: unknown): void {
    this.failures += 1;
    if (this.failures === 1) {
      this.logger.warn(`${this.what} fail: ${describe(error)} (further failures are counted, not logged)`);
    } else if (/^10+$/.test(String(this.failures))) {
      this.logger.warn(
        `${this.what} still fail: ${this.failures} failures so far, the last: ${describe(error)}`,
      );
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.log(`${this.what} succeed again after ${this.failures} failure(s)`);
    this.failures = 0;
  }
}
