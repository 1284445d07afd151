import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import type { MarkerMove, ReadState, ReadStateStore } from './read-state-store.js';

interface MarkerDocument {
  userId: string;
  roomId: string;
  /** A message id: zero-padded, so `$max` on strings is numeric order. */
  lastReadId: string;
}

interface MentionDocument {
  userId: string;
  roomId: string;
  messageId: string;
}

interface MessageDocument {
  _id: string;
  roomId: string;
  author: { id: string };
}

/** Needs the indexes of `ensureMongoIndexes` (messages by room and id, markers, mentions). */
export class MongoReadStateStore implements ReadStateStore {
  private readonly markers: Collection<MarkerDocument>;
  private readonly mentions: Collection<MentionDocument>;
  private readonly messages: Collection<MessageDocument>;

  constructor(db: Db) {
    this.markers = db.collection<MarkerDocument>(MONGO_COLLECTIONS.readMarkers);
    this.mentions = db.collection<MentionDocument>(MONGO_COLLECTIONS.mentions);
    this.messages = db.collection<MessageDocument>(MONGO_COLLECTIONS.messages);
  }

  async markRead(userId: string, roomId: string, messageId: string): Promise<MarkerMove> {
    const before = (await this.markers.findOne({ userId, roomId }))?.lastReadId ?? null;
    // `messageId` has the id format (the schemas check it), so string order is id order.
    const [newest] = await this.messages
      .find({ roomId, _id: { $lte: messageId } }, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    if (newest && (before === null || newest._id > before)) {
      try {
        await this.markers.updateOne(
          { userId, roomId },
          { $max: { lastReadId: newest._id }, $setOnInsert: { userId, roomId } },
          { upsert: true },
        );
      } catch (error) {
        // Two first markers at once: the loser's upsert collides; the next call moves it.
        if (!isDuplicateKeyError(error)) throw error;
        await this.markers.updateOne({ userId, roomId }, { $max: { lastReadId: newest._id } });
      }
    }
    const lastReadId = (await this.markers.findOne({ userId, roomId }))?.lastReadId ?? null;
    return { lastReadId, moved: lastReadId !== null && (before === null || lastReadId > before) };
  }

  async stateOf(userId: string, roomIds: readonly string[], cap: number): Promise<ReadState[]> {
    if (roomIds.length === 0) return [];
    const markers = await this.markers.find({ userId, roomId: { $in: [...roomIds] } }).toArray();
    const byRoom = new Map(markers.map((m) => [m.roomId, m.lastReadId]));
    return Promise.all(
      roomIds.map(async (roomId) => {
        const lastReadId = byRoom.get(roomId) ?? null;
        const after = lastReadId ?? '';
        const [unreadCount, mentionCount] = await Promise.all([
          this.messages.countDocuments(
            { roomId, _id: { $gt: after }, 'author.id': { $ne: userId } },
            { limit: cap },
          ),
          this.mentions.countDocuments({ userId, roomId, messageId: { $gt: after } }, { limit: cap }),
        ]);
        return { lastReadId, unreadCount, mentionCount };
      }),
    );
  }

  async recordMentions(roomId: string, messageId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.mentions.bulkWrite(
      userIds.map((userId) => ({
        updateOne: {
          filter: { userId, roomId, messageId },
          update: { $setOnInsert: { userId, roomId, messageId } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
}
