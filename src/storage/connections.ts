import { Logger } from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import { createClient } from 'redis';
import type { AppConfig } from '../config/config.js';
import { connectMongo } from './mongo/mongo-connection.js';
import { ensureMongoIndexes } from './mongo/mongo-indexes.js';

const createRedis = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof createRedis>;

/**
 * The network clients of the configured profile, opened once at boot and shared: one MongoClient
 * for the data stores, sessions and the Socket.IO adapter; one Redis client for sessions, rate
 * limits and the adapter (which duplicates it for its blocking reads).
 */
export interface Connections {
  mongo?: { client: MongoClient; db: Db };
  redis?: RedisClient;
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
      const logger = new Logger('Redis');
      const redis = createRedis(config.redisUrl);
      // Without a listener a lost connection would crash the process; the client reconnects itself.
      redis.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
      await redis.connect();
      connections.redis = redis;
    }
    return connections;
  } catch (error) {
    await closeConnections(connections);
    throw error;
  }
}

export async function closeConnections(connections: Connections): Promise<void> {
  await Promise.allSettled([connections.mongo?.client.close(), connections.redis?.quit()]);
}
