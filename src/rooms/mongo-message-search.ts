import type { Collection, Db } from 'mongodb';
import { MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import type { Message } from '../protocol/models.js';
import type { MessageSearch, SearchRequest } from './message-search.js';
import { toMessage, type MessageDocument } from './mongo-message-store.js';
import { toMongoTextSearch } from './search-query.js';

/** The `text_search` index (`ensureMongoIndexes`), ranked by text score. */
export class MongoMessageSearch implements MessageSearch {
  private readonly messages: Collection<MessageDocument>;

  constructor(private readonly db: Db) {
    this.messages = db.collection<MessageDocument>(MONGO_COLLECTIONS.messages);
  }

  async search(request: SearchRequest): Promise<Message[]> {
    const rooms = await this.visibleRooms(request.userId, request.roomId);
    if (rooms.length === 0) return [];
    const documents = await this.messages
      .find(
        {
          $text: { $search: toMongoTextSearch(request.phrases) },
          roomId: { $in: rooms },
          deleted: { $ne: true },
          ...(request.before !== undefined && { _id: { $lt: request.before } }),
        },
        { projection: { score: { $meta: 'textScore' } } },
      )
      .sort({ score: { $meta: 'textScore' }, _id: -1 })
      .skip(request.offset)
      .limit(request.limit)
      .toArray();
    return documents.map(toMessage);
  }

  /** Public rooms by name, never "not private": a kind of room added later stays members-only. */
  private async visibleRooms(userId: string, roomId?: string): Promise<string[]> {
    const [publicRooms, memberships] = await Promise.all([
      this.db
        .collection<{ _id: string }>(MONGO_COLLECTIONS.rooms)
        .find(
          { visibility: 'public', ...(roomId !== undefined && { _id: roomId }) },
          { projection: { _id: 1 } },
        )
        .toArray(),
      this.db
        .collection<{ roomId: string }>(MONGO_COLLECTIONS.roomMembers)
        .find({ userId, ...(roomId !== undefined && { roomId }) }, { projection: { roomId: 1 } })
        .toArray(),
    ]);
    return [...new Set([...publicRooms.map((r) => r._id), ...memberships.map((m) => m.roomId)])];
  }
}
