import { MongoClient, MongoServerError, MongoServerSelectionError } from 'mongodb';
import type { Db, MongoClientOptions } from 'mongodb';
import { StartupError } from '../../config/startup-error.js';
import { mongoClientOptions } from './mongo-client-options.js';

/** Collection names of the data-store ports; one place, so indexes and stores cannot drift apart. */
export const MONGO_COLLECTIONS = {
  users: 'users',
  rooms: 'rooms',
  roomMembers: 'room_members',
  /** One document per room owner, written by every room creation of theirs: the owner's creation lock. */
  roomOwners: 'room_owners',
  messages: 'messages',
  /** One document per room, written first by every append to that room: the room's append lock. */
  messageRoomLocks: 'message_room_locks',
  /** One document per user, message and emoji. */
  messageReactions: 'message_reactions',
  counters: 'counters',
  /** One document per user and room: the newest message id the user has read there. */
  readMarkers: 'read_markers',
  /** One document per mention of a user by a message. */
  mentions: 'mentions',
  revokedSessions: 'revoked_sessions',
  tickets: 'tickets',
  /** express-session data, through connect-mongo. */
  sessions: 'sessions',
} as const;

export const REPLICA_SET_REQUIRED =
  'change streams need a replica set: start mongod with --replSet and run rs.initiate() (MONGO_URL points at a standalone server)';

const DUPLICATE_KEY = 11000;

export function isDuplicateKeyError(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * The fields of the unique index a duplicate-key error is about, e.g. `['_id']`. The server names
 * the index by its key pattern; a collection with several unique indexes needs it to tell a retry
 * from a clash.
 */
export function duplicateKeyFields(error: MongoServerError): string[] {
  const pattern: unknown = error.keyPattern;
  return typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : [];
}

/**
 * Connects with Tether's client defaults and refuses a standalone server up front: the Socket.IO
 * adapter's change streams would otherwise fail only at the first broadcast. Either failure is a
 * `StartupError` naming MONGO_URL, after at most the server selection timeout.
 */
export async function connectMongo(
  url: string,
  options: MongoClientOptions = mongoClientOptions(url),
): Promise<{ client: MongoClient; db: Db }> {
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(url, options);
    await client.connect();
  } catch (error) {
    await client?.close();
    const reason = error instanceof Error ? error.message : String(error);
    const what =
      error instanceof MongoServerSelectionError
        ? `no MongoDB server answered within ${client?.options.serverSelectionTimeoutMS} ms`
        : 'cannot connect';
    throw new StartupError(`MONGO_URL: ${what} (${reason})`, { cause: error });
  }
  try {
    const hello = await client.db('admin').command({ hello: 1 });
    // A mongos answers without setName but serves change streams from its shards' replica sets.
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      throw new StartupError(REPLICA_SET_REQUIRED);
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, db: client.db() };
}
