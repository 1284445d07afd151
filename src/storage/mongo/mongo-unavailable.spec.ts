import {
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoWriteConcernError,
} from 'mongodb';
import { toApiError } from '../../common/errors.js';
import { isMongoUnavailable } from './mongo-unavailable.js';

const serverError = (code: number, codeName: string) =>
  new MongoServerError({ code, codeName, errmsg: codeName });

describe('isMongoUnavailable', () => {
  it.each([
    ['a dropped connection', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    ['a socket timeout', new MongoNetworkTimeoutError('connection timed out')],
    ['a primary that stepped down', serverError(189, 'PrimarySteppedDown')],
    ['a secondary asked to write', serverError(10107, 'NotWritablePrimary')],
    ['an election interrupting the operation', serverError(11602, 'InterruptedDueToReplStateChange')],
    ['a server shutting down', serverError(91, 'ShutdownInProgress')],
    [
      'a majority that did not confirm in wtimeoutMS',
      new MongoWriteConcernError({
        ok: 1,
        writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' },
      }),
    ],
  ])('is true for %s', (_, error) => {
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it('is true for a commit whose outcome is unknown', () => {
    const error = new MongoError('commit outcome unknown');
    error.addErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult);
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', serverError(11000, 'DuplicateKey')],
    ['a refused authorization', serverError(13, 'Unauthorized')],
    ['a document failing validation', serverError(121, 'DocumentValidationFailure')],
    [
      'a write concern that names no such tag',
      new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 79, errmsg: 'no such tag' } }),
    ],
    ['an error that is not the driver', new Error('connection refused')],
  ])('is false for %s', (_, error) => {
    expect(isMongoUnavailable(error)).toBe(false);
  });

  // A real server selection error, from the driver itself: test/mongo/mongo-outage.e2e-spec.ts.
  it('makes toApiError answer 503 UNAVAILABLE, over HTTP and in socket acks alike', () => {
    expect(toApiError(serverError(10107, 'NotWritablePrimary'))).toEqual({
      status: 503,
      body: { code: 'UNAVAILABLE', message: 'Service temporarily unavailable; try again shortly' },
    });
    expect(toApiError(serverError(11000, 'DuplicateKey')).status).toBe(500);
  });
});
