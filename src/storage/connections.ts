import { Logger } from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import type { AppConfig } from '../config/config.js';
import { connectMongo } from './mongo/mongo-connection.js';
import { ensureMongoIndexes } from './mongo/mongo-indexes.js';
import { connectRedis, type RedisClient } from './redis/redis-connection.js';

export type { RedisClient };

/**
 * The network clients of the configured profile, opened once at boot and shared: one MongoClient
 * for the data stores, sessions and the Socket.IO adapter; one Redis client for sessions, rate
 * limits and the socket counts, and one for the Redis adapter (which duplicates it for its
 * blocking reads).
 */
export interface Connections {
  mongo?: { client: MongoClient; db: Db };
  /** Fails at once while Redis is unreachable: a request answers 503 instead of waiting. */
  redis?: RedisClient;
  /** Waits for a reconnection, bounded: the adapter's reader polls in a loop that must not spin. */
  redisAdapter?: RedisClient;
}

export const CONNECTIONS = Symbol('Connections');

export function usesMongo(config: AppConfig): boolean {
  return [config.dataStore, config.sessionStore, config.ioAdapter].includes('mongo');
}

export async function openConnections(config: AppConfig): Promise<Connections> {
  const connections: Connections = {};
  try {
    if (usesMongo(config)) {
      // With Tether's client defaults (bounded timeouts, w: majority) unless MONGO_URL sets them.
      connections.mongo = await connectMongo(config.mongoUrl!);
      await ensureMongoIndexes(connections.mongo.db, {
        data: config.dataStore === 'mongo',
        sessions: config.sessionStore === 'mongo',
      });
    }
    if (config.redisUrl) {
      connections.redis = watched(await connectRedis(config.redisUrl), 'Redis');
      if (config.ioAdapter === 'redis') {
        connections.redisAdapter = watched(
          await connectRedis(config.redisUrl, { offlineQueue: true }),
          'RedisAdapter',
        );
      }
    }
    return connections;
  } catch (error) {
    await closeConnections(connections);
    throw error;
  }
}

/** One warning when the connection drops and one when it is back, not one per retry. */
function watched(client: RedisClient, context: string): RedisClient {
  const logger = new Logger(context);
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`connection lost, reconnecting: ${error.message || error.name}`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('connection back');
  });
  return client;
}

export async function closeConnections(connections: Connections): Promise<void> {
  const quit = (client?: RedisClient) => (client?.isReady ? client.quit() : client?.destroy());
  await Promise.allSettled([
    connections.mongo?.client.close(),
    quit(connections.redis),
    quit(connections.redisAdapter),
  ]);
}
