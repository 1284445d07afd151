import { MongoError, MongoErrorLabel, MongoServerSelectionError } from 'mongodb';
import type { ClientSession, MongoClient, TransactionOptions } from 'mongodb';
import { setTimeout as pause } from 'node:timers/promises';
import { MONGO_CLIENT_DEFAULTS } from './mongo-client-options.js';

/** Every transaction commits on a majority, whatever MONGO_URL makes the client's default. */
const TRANSACTION_OPTIONS: TransactionOptions = {
  writeConcern: MONGO_CLIENT_DEFAULTS.writeConcern,
  readPreference: 'primary',
};

/** The part of a `ClientSession` a transaction attempt uses. */
export type TransactionSession = Pick<
  ClientSession,
  'startTransaction' | 'commitTransaction' | 'abortTransaction' | 'inTransaction'
>;

export interface TransactionRetry {
  /** No new attempt starts this long after the first. @default 10000 */
  budgetMs?: number;
  /** Waits between attempts (jittered, growing). */
  pause?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/**
 * A conflict with a concurrent transaction (the server labels it TransientTransactionError) is
 * worth another attempt. A failed server selection is not: it already waited the whole selection
 * timeout, and another would only double the client's wait for its 503.
 */
const worthAnotherAttempt = (error: unknown): boolean =>
  error instanceof MongoError &&
  error.hasErrorLabel(MongoErrorLabel.TransientTransactionError) &&
  !(error instanceof MongoServerSelectionError);

/**
 * Runs `work` in one transaction on `session` and commits it on a majority, starting over on
 * transient errors until `budgetMs` is spent. This replaces `ClientSession#withTransaction`, which
 * keeps retrying for up to 120 s (its `timeoutMS` does nothing in driver 7): a send during an
 * outage would hang that long instead of answering 503.
 */
export async function runTransaction<T>(
  session: TransactionSession,
  work: () => Promise<T>,
  { budgetMs = 10_000, pause: wait = pause, now = Date.now }: TransactionRetry = {},
): Promise<T> {
  const deadline = now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    session.startTransaction(TRANSACTION_OPTIONS);
    try {
      const result = await work();
      await session.commitTransaction();
      return result;
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      if (!worthAnotherAttempt(error) || now() >= deadline) throw error;
      // As the driver does: a short, growing, jittered pause lets the conflicting transaction finish.
      await wait(Math.random() * Math.min(5 * 1.5 ** attempt, 500));
    }
  }
}

/** `runTransaction` on a fresh session of `client`, ended afterwards. */
export async function inTransaction<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
  retry?: TransactionRetry,
): Promise<T> {
  return client.withSession((session) => runTransaction(session, () => work(session), retry));
}
