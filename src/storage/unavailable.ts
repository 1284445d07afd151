import { isMongoUnavailable } from './mongo/mongo-unavailable.js';
import { isRedisUnavailable } from './redis/redis-unavailable.js';

/**
 * One test per backing service for "this failure means the service is out of reach". Every place
 * that turns errors into answers (the HTTP and socket error mapping, a readiness probe) asks
 * `isUnavailable`, so a new backend adds its test here and nowhere else.
 */
const UNAVAILABILITY_TESTS: ((error: unknown) => boolean)[] = [isMongoUnavailable, isRedisUnavailable];

/** Whether `error` says a backing service cannot be reached or cannot take the write right now. */
export function isUnavailable(error: unknown): boolean {
  return UNAVAILABILITY_TESTS.some((test) => test(error));
}
