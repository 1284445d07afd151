import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { GENERAL_ROOM_ID } from '../protocol/limits.js';
import type { Room } from '../protocol/models.js';
import type { NewRoom, RoomStore } from './room-store.js';

type RoomDocument = Omit<Room, 'id'> & { _id: string };

interface MemberDocument {
  roomId: string;
  userId: string;
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

  constructor(db: Db) {
    this.rooms = db.collection<RoomDocument>(MONGO_COLLECTIONS.rooms);
    this.members = db.collection<MemberDocument>(MONGO_COLLECTIONS.roomMembers);
  }

  async create(input: NewRoom): Promise<Room> {
    const room: Room = { id: randomUUID(), createdAt: new Date().toISOString(), ...input };
    const { id, ...rest } = room;
    // Membership first: should the second write fail, a stray membership of a room that does not
    // exist is harmless, whereas a private room its owner cannot see is not.
    await this.addMember(id, room.ownerId);
    await this.rooms.insertOne({ _id: id, ...rest });
    return room;
  }

  async findById(id: string): Promise<Room | null> {
    const document = await this.rooms.findOne({ _id: id });
    return document && toRoom(document);
  }

  async listVisibleTo(userId: string): Promise<Room[]> {
    const memberships = await this.members.find({ userId }, { projection: { _id: 0, roomId: 1 } }).toArray();
    const documents = await this.rooms
      .find({ $or: [{ visibility: 'public' }, { _id: { $in: memberships.map((m) => m.roomId) } }] })
      .sort({ createdAt: 1, _id: 1 })
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
