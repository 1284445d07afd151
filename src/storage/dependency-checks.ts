import type { HealthCheckName } from '../protocol/health.js';
import type { AppConfig } from '../config/config.js';
import type { Connections } from './connections.js';
import type { Sqlite } from './sqlite.js';

/** One dependency in use and the cheapest question that proves it answers. */
export interface DependencyCheck {
  name: HealthCheckName;
  ping(): Promise<unknown>;
}

/**
 * The checks of the configured profile: the SQLite file, MongoDB, Redis for requests, and the
 * cluster adapter's own connection (the Redis adapter's client; the Mongo adapter shares the
 * MongoDB client, so `mongo` covers it). Absent dependencies are not checked.
 */
export function dependencyChecks(
  config: AppConfig,
  connections: Connections,
  sqlite?: Sqlite,
): DependencyCheck[] {
  const checks: DependencyCheck[] = [];
  if (sqlite) {
    const statement = sqlite.prepare('SELECT 1');
    checks.push({ name: 'sqlite', ping: () => Promise.resolve(statement.get()) });
  }
  const mongo = connections.mongo;
  if (mongo) checks.push({ name: 'mongo', ping: () => mongo.db.command({ ping: 1 }) });
  const redis = connections.redis;
  if (redis) checks.push({ name: 'redis', ping: () => redis.ping() });
  const adapter = config.ioAdapter === 'redis' ? connections.redisAdapter : undefined;
  // Its offline queue would hold a ping until Redis returns: a disconnected adapter is down now.
  if (adapter) {
    checks.push({
      name: 'adapter',
      ping: () => (adapter.isReady ? adapter.ping() : Promise.reject(new Error('disconnected'))),
    });
  }
  return checks;
}
