import {
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';

/**
 * Server codes that mean "no primary can take this right now": the node is stepping down, shutting
 * down or not (yet) primary. The driver has already retried once when it could; what is left is an
 * election or an outage, which a client can outlast by trying again.
 */
const NO_PRIMARY_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  10058, // LegacyNotPrimary
]);

const WRITE_CONCERN_TIMEOUT = 64;

/**
 * Whether a MongoDB driver error says the database is out of reach (no server selectable in
 * `serverSelectionTimeoutMS`, a dropped connection, no primary, or a majority that did not
 * acknowledge in `wtimeoutMS`) rather than that the request itself was wrong. Such a failure is
 * a 503 for the client, not a 500.
 */
export function isMongoUnavailable(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return true;
  }
  // The write reached the primary; a majority did not confirm it within `wtimeoutMS`.
  if (error instanceof MongoWriteConcernError && error.code === WRITE_CONCERN_TIMEOUT) return true;
  if (typeof error.code === 'number' && NO_PRIMARY_CODES.has(error.code)) return true;
  // A commit whose outcome the driver could not learn: the transaction may or may not have applied.
  return error.hasErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult);
}
