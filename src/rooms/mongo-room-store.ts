import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { inTransaction } from '../storage/mongo/mongo-transaction.js';
import { GENERAL_ROOM_ID } from '../protocol/limits.js';
import type { Room } from '../protocol/models.js';
import { OwnedRoomLimitError } from './room-store.js';
import type { NewRoom, RoomPage, RoomStore } from './room-store.js';

type RoomDocument = Omit<Room, 'id'> & { _id: string };

interface MemberDocument {
  roomId: string;
  userId: string;
}

/** One per room owner, written by each of their room creations (see `create`). */
interface OwnerDocument {
  _id: string;
  creations: number;
}

const toRoom = ({ _id, name, visibility, ownerId, createdAt }: RoomDocument): Room => ({
  id: _id,
  name,
  visibility,
  ownerId,
  createdAt,
});

/** Needs the indexes of `ensureMongoIndexes`. */
export class MongoRoomStore implements RoomStore {
  private readonly rooms: Collection<RoomDocument>;
  private readonly members: Collection<MemberDocument>;
  private readonly owners: Collection<OwnerDocument>;

  constructor(private readonly db: Db) {
    this.rooms = db.collection<RoomDocument>(MONGO_COLLECTIONS.rooms);
    this.members = db.collection<MemberDocument>(MONGO_COLLECTIONS.roomMembers);
    this.owners = db.collection<OwnerDocument>(MONGO_COLLECTIONS.roomOwners);
  }

  async create(input: NewRoom, maxOwned = Number.POSITIVE_INFINITY): Promise<Room> {
    const room: Room = { id: randomUUID(), createdAt: new Date().toISOString(), ...input };
    const { id, ...rest } = room;
    await inTransaction(this.db.client, async (session) => {
      // Every creation by one owner writes this document, so two concurrent transactions conflict
      // and one is retried after the other commits: its count cannot miss the other's room (a
      // count alone is write skew under snapshot isolation).
      await this.owners.updateOne(
        { _id: input.ownerId },
        { $inc: { creations: 1 } },
        { upsert: true, session },
      );
      if ((await this.rooms.countDocuments({ ownerId: input.ownerId }, { session })) >= maxOwned) {
        throw new OwnedRoomLimitError(maxOwned);
      }
      await this.members.insertOne({ roomId: id, userId: room.ownerId }, { session });
      await this.rooms.insertOne({ _id: id, ...rest }, { session });
    });
    return room;
  }

  async findById(id: string): Promise<Room | null> {
    const document = await this.rooms.findOne({ _id: id });
    return document && toRoom(document);
  }

  async listVisibleTo(userId: string, { after, limit }: RoomPage): Promise<Room[]> {
    // Mongo reads a limit of 0 as "no limit".
    if (limit < 1) return [];
    const memberships = await this.members.find({ userId }, { projection: { _id: 0, roomId: 1 } }).toArray();
    const visible = {
      $or: [{ visibility: 'public' as const }, { _id: { $in: memberships.map((m) => m.roomId) } }],
    };
    const documents = await this.rooms
      .find(
        after
          ? {
              $and: [
                visible,
                {
                  $or: [
                    { createdAt: { $gt: after.createdAt } },
                    { createdAt: after.createdAt, _id: { $gt: after.id } },
                  ],
                },
              ],
            }
          : visible,
      )
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return documents.map(toRoom);
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    try {
      await this.members.insertOne({ roomId, userId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.members.countDocuments({ roomId, userId }, { limit: 1 })) > 0;
  }

  async ensureGeneral(): Promise<Room> {
    const general: Omit<RoomDocument, '_id'> = {
      name: 'general',
      visibility: 'public',
      ownerId: 'system',
      createdAt: new Date().toISOString(),
    };
    try {
      // An upsert keyed on the fixed id: processes booting together all end up with the one room.
      await this.rooms.updateOne({ _id: GENERAL_ROOM_ID }, { $setOnInsert: general }, { upsert: true });
    } catch (error) {
      // Concurrent upserts may both try the insert; the server retries most, the rest lose here.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const room = await this.rooms.findOne({ _id: GENERAL_ROOM_ID });
    if (!room) throw new Error(`the ${GENERAL_ROOM_ID} room is missing right after its upsert`);
    return toRoom(room);
  }
}
