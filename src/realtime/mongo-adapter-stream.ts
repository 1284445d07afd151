import { Logger } from '@nestjs/common';
import { MongoServerError } from 'mongodb';
import type { ChangeStream, ChangeStreamInsertDocument, Collection, Document, ResumeToken } from 'mongodb';
import { setTimeout as pause } from 'node:timers/promises';

/** An insert into the adapter collection by another instance. */
export type AdapterChange = ChangeStreamInsertDocument<Document & { nsp: string; uid: string }>;

export interface AdapterStreamOptions {
  /** This instance's adapter uid: its own inserts are not read back. */
  uid: string;
  /** Pause before reopening after the driver gave the stream up; doubles per failure. @default 1000 */
  reopenDelayMs?: number;
  /** @default 30000 */
  maxReopenDelayMs?: number;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

/** The server no longer has the events after the token, or cannot read the token at all. */
const TOKEN_UNUSABLE = new Set([
  260, // InvalidResumeToken
  280, // ChangeStreamFatalError
  286, // ChangeStreamHistoryLost
]);

/**
 * The one change stream through which an instance reads what the other instances insert into the
 * adapter collection. It is iterated, never used as an event emitter, so there is exactly one
 * owner of its fate: the driver resumes it by itself from its resume token after an election or
 * a dropped connection; only when the driver gives up (no primary within the server selection
 * timeout, a non-resumable error) is it closed here and, after a growing pause, one new stream
 * opened from the last resume token. Only inserts are matched: the TTL monitor's deletes of old
 * events are not shipped to every instance.
 */
export class AdapterChangeStream {
  private stream?: ChangeStream<Document, AdapterChange>;
  private resumeToken?: ResumeToken;
  private reading?: Promise<void>;
  private stopping?: AbortController;
  private readonly logger: Pick<Logger, 'log' | 'warn'>;

  constructor(
    private readonly events: Collection,
    private readonly options: AdapterStreamOptions,
    private readonly onChange: (change: AdapterChange) => void,
  ) {
    this.logger = options.logger ?? new Logger(AdapterChangeStream.name);
  }

  /** Starts reading, unless it already reads. */
  start(): void {
    if (this.reading) return;
    this.stopping = new AbortController();
    this.reading = this.read(this.stopping.signal);
  }

  /** Closes the stream and waits until reading has ended. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.stream?.close().catch(() => undefined);
    await this.reading;
    this.reading = undefined;
  }

  private open(): ChangeStream<Document, AdapterChange> {
    return this.events.watch<Document, AdapterChange>(
      [{ $match: { operationType: 'insert', 'fullDocument.uid': { $ne: this.options.uid } } }],
      this.resumeToken ? { resumeAfter: this.resumeToken } : {},
    );
  }

  private async read(signal: AbortSignal): Promise<void> {
    const { reopenDelayMs = 1000, maxReopenDelayMs = 30_000 } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      const stream = (this.stream = this.open());
      // The first batch of a stream that opened carries a post-batch resume token.
      stream.once('resumeTokenChanged', () => {
        if (failures > 0) this.logger.log(`adapter change stream open again after ${failures} failure(s)`);
        failures = 0;
      });
      try {
        for (;;) this.onChange(await stream.next());
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        const delay = Math.min(reopenDelayMs * 2 ** (failures - 1), maxReopenDelayMs);
        const tokenUnusable = error instanceof MongoServerError && TOKEN_UNUSABLE.has(Number(error.code));
        // Includes the driver's post-batch token, so a quiet stream resumes from its latest position.
        this.resumeToken = tokenUnusable ? undefined : (stream.resumeToken ?? this.resumeToken);
        this.logger.warn(
          `adapter change stream failed (${error instanceof Error ? error.message : String(error)}); ` +
            (tokenUnusable
              ? 'its resume token is unusable, so events inserted meanwhile are lost to this instance; '
              : '') +
            `reopening in ${delay} ms`,
        );
        await pause(delay, undefined, { signal }).catch(() => undefined);
      } finally {
        await stream.close().catch(() => undefined);
      }
    }
  }
}
