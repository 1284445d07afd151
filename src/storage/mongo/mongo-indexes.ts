import { Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { MongoServerError } from 'mongodb';
import type { Collection, Db, IndexDescription, IndexDescriptionInfo } from 'mongodb';
import { StartupError } from '../../config/startup-error.js';
import { MONGO_COLLECTIONS } from './mongo-connection.js';

type IndexTable = Record<string, (IndexDescription & { name: string })[]>;

/** What the data-store ports rely on. */
const DATA_INDEXES: IndexTable = {
  // A lowercased copy rather than a collation index: lookups stay plain equality matches that need no
  // collation option, and the fold is exactly SQLite's COLLATE NOCASE (ASCII only).
  [MONGO_COLLECTIONS.users]: [{ key: { usernameLower: 1 }, name: 'username_ci', unique: true }],
  [MONGO_COLLECTIONS.rooms]: [
    { key: { visibility: 1, createdAt: 1, _id: 1 }, name: 'by_visibility' },
    // GET /rooms pages by (createdAt, _id); the cap on rooms per owner counts them.
    { key: { createdAt: 1, _id: 1 }, name: 'by_creation' },
    { key: { ownerId: 1 }, name: 'by_owner' },
    // One direct room per pair, however many open it at once.
    {
      key: { directKey: 1 },
      name: 'direct_pair',
      unique: true,
      partialFilterExpression: { directKey: { $type: 'string' } },
    },
  ],
  [MONGO_COLLECTIONS.roomMembers]: [
    { key: { roomId: 1, userId: 1 }, name: 'room_user', unique: true },
    { key: { userId: 1 }, name: 'by_user' },
    { key: { roomId: 1, joinedAt: 1, userId: 1 }, name: 'by_join' },
  ],
  [MONGO_COLLECTIONS.readMarkers]: [{ key: { userId: 1, roomId: 1 }, name: 'user_room', unique: true }],
  [MONGO_COLLECTIONS.mentions]: [
    { key: { userId: 1, roomId: 1, messageId: 1 }, name: 'user_room_message', unique: true },
  ],
  [MONGO_COLLECTIONS.messages]: [
    { key: { 'author.id': 1, clientMsgId: 1 }, name: 'author_client_msg', unique: true },
    { key: { roomId: 1, _id: 1 }, name: 'by_room' },
    // Catch-up reads a room's changes in rev order; search is a text index on the text.
    { key: { roomId: 1, rev: 1 }, name: 'by_room_rev' },
    { key: { text: 'text' }, name: 'text_search', default_language: 'none' },
  ],
  [MONGO_COLLECTIONS.messageReactions]: [
    { key: { messageId: 1, emoji: 1, userId: 1 }, name: 'message_emoji_user', unique: true },
  ],
  [MONGO_COLLECTIONS.revokedSessions]: [{ key: { expiresAt: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 }],
  [MONGO_COLLECTIONS.tickets]: [{ key: { expiresAt: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 }],
};

/**
 * connect-mongo's expiry index, created here instead of by connect-mongo (`autoRemove: 'disabled'`):
 * its own attempt has no error handling, so a conflict there would be an unhandled rejection long
 * after boot. The name is connect-mongo's, so deployments that already have it change nothing.
 */
const SESSION_INDEXES: IndexTable = {
  [MONGO_COLLECTIONS.sessions]: [{ key: { expires: 1 }, name: 'expires_1', expireAfterSeconds: 0 }],
};

/** Collections a transaction writes to; created up front, as a transaction may not create them. */
const TRANSACTION_COLLECTIONS = [
  MONGO_COLLECTIONS.messageRoomLocks,
  MONGO_COLLECTIONS.counters,
  MONGO_COLLECTIONS.roomOwners,
  MONGO_COLLECTIONS.messageReactions,
];

const NAMESPACE_EXISTS = 48;
const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;

/** What to do about an index with our key that exists with other options. */
export type ExistingIndexVerdict = { keep: true; differences: string[] } | { keep: false; reason: string };

/**
 * Only uniqueness is a property the stores cannot do without (it settles concurrent registrations
 * and retries); a different name or expiry only changes housekeeping, as the stores check expiry
 * dates themselves.
 */
export function judgeExistingIndex(
  wanted: IndexDescription & { name: string },
  existing: Pick<IndexDescriptionInfo, 'name' | 'unique' | 'expireAfterSeconds'>,
): ExistingIndexVerdict {
  if (wanted.unique && !existing.unique) {
    return { keep: false, reason: `${existing.name} is not unique, and Tether needs it to be` };
  }
  const differences: string[] = [];
  if (existing.name !== wanted.name) differences.push(`named ${existing.name}, not ${wanted.name}`);
  if (existing.expireAfterSeconds !== wanted.expireAfterSeconds) {
    differences.push(
      wanted.expireAfterSeconds === undefined
        ? `expires documents after ${existing.expireAfterSeconds} s`
        : existing.expireAfterSeconds === undefined
          ? 'expires nothing: expired documents stay until removed by hand'
          : `expires documents after ${existing.expireAfterSeconds} s, not ${wanted.expireAfterSeconds} s`,
    );
  }
  return { keep: true, differences };
}

/**
 * Creates every index (and the collections transactions need) that the Mongo stores rely on.
 * Idempotent; safe for processes booting together. An index someone already made on the same key
 * with other options is kept with a warning, unless it lacks a uniqueness Tether relies on: that
 * stops the boot with a `StartupError` saying which index to drop.
 */
export async function ensureMongoIndexes(
  db: Db,
  scope: { data: boolean; sessions: boolean } = { data: true, sessions: true },
  logger: Pick<Logger, 'warn'> = new Logger('MongoIndexes'),
): Promise<void> {
  const tables = [...(scope.data ? [DATA_INDEXES] : []), ...(scope.sessions ? [SESSION_INDEXES] : [])];
  await Promise.all([
    ...(scope.data ? TRANSACTION_COLLECTIONS.map((name) => ensureCollection(db, name)) : []),
    ...tables.flatMap((table) =>
      Object.entries(table).flatMap(([name, indexes]) =>
        indexes.map((index) => ensureIndex(db.collection(name), index, logger)),
      ),
    ),
  ]);
}

/** Creates the collection unless it exists. */
export async function ensureCollection(db: Db, name: string): Promise<Collection> {
  try {
    await db.createCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
  }
  return db.collection(name);
}

async function ensureIndex(
  collection: Collection,
  { key, ...options }: IndexDescription & { name: string },
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  const wanted = { key, ...options };
  try {
    await collection.createIndex(key, options);
    return;
  } catch (error) {
    const conflict = error instanceof MongoServerError ? error.code : undefined;
    if (conflict !== INDEX_OPTIONS_CONFLICT && conflict !== INDEX_KEY_SPECS_CONFLICT) throw error;
  }
  const sameKey = (await collection.indexes()).filter((index) => isDeepStrictEqual(index.key, key));
  if (sameKey.length === 0) {
    // Our name is taken by an index on other fields: ours goes under another name.
    const name = `${options.name}_tether`;
    await collection.createIndex(key, { ...options, name });
    logger.warn(`${collection.collectionName}: index name ${options.name} is taken; created ${name}`);
    return;
  }
  const verdicts = sameKey.map((index) => judgeExistingIndex(wanted, index));
  const kept = verdicts.find((verdict) => verdict.keep);
  if (!kept) {
    const reasons = verdicts.map((verdict) => (verdict.keep ? '' : verdict.reason)).join('; ');
    throw new StartupError(
      `MONGO_URL: ${collection.collectionName} has an index on ${JSON.stringify(key)} that Tether cannot use (${reasons}); drop it and restart`,
    );
  }
  if (kept.differences.length > 0) {
    logger.warn(
      `${collection.collectionName}: keeping the existing index on ${JSON.stringify(key)} (${kept.differences.join(', ')})`,
    );
  }
}
