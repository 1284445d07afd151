import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { inTransaction } from '../storage/mongo/mongo-transaction.js';
import { GENERAL_ROOM_ID } from '../protocol/limits.js';
import type { Room } from '../protocol/models.js';
import { directKey, fromDirectKey } from './direct-key.js';
import { OwnedRoomLimitError } from './room-store.js';
import type { LeaveOutcome, MemberPage, NewRoom, RoomChanges, RoomPage, RoomStore } from './room-store.js';

type RoomDocument = Omit<Room, 'id'> & {
  _id: string;
  directKey?: string;
  archivedAt?: string;
  /** Written by every departure, so that concurrent ones conflict (see `leave`). */
  departedAt?: string;
};

interface MemberDocument {
  roomId: string;
  userId: string;
  /** Absent on memberships from before handovers existed: they sort first. */
  joinedAt?: string;
}

/** One per room owner, written by each of their room creations (see `create`). */
interface OwnerDocument {
  _id: string;
  creations: number;
}

const toRoom = ({ _id, name, visibility, ownerId, createdAt, topic }: RoomDocument): Room => ({
  id: _id,
  name,
  visibility,
  ownerId,
  createdAt,
  ...(topic ? { topic } : {}),
});

const unarchived = { archivedAt: { $exists: false } };
const now = () => new Date().toISOString();

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
    const room: Room = { id: randomUUID(), createdAt: now(), ...input };
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
      if (
        (await this.rooms.countDocuments({ ownerId: input.ownerId, ...unarchived }, { session })) >= maxOwned
      ) {
        throw new OwnedRoomLimitError(maxOwned);
      }
      await this.members.insertOne(
        { roomId: id, userId: room.ownerId, joinedAt: room.createdAt },
        { session },
      );
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
      ...unarchived,
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

  async addMember(roomId: string, userId: string): Promise<boolean> {
    try {
      await this.members.insertOne({ roomId, userId, joinedAt: now() });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.members.countDocuments({ roomId, userId }, { limit: 1 })) > 0;
  }

  async openDirect(openerId: string, peerId: string, name: string) {
    const key = directKey(openerId, peerId);
    const fresh: RoomDocument = {
      _id: randomUUID(),
      name,
      visibility: 'direct',
      ownerId: openerId,
      createdAt: now(),
      directKey: key,
    };
    let created = true;
    try {
      await this.rooms.insertOne(fresh);
    } catch (error) {
      // The unique pair index: someone opened it first, from any instance.
      if (!isDuplicateKeyError(error)) throw error;
      created = false;
    }
    const stored = await this.rooms.findOne({ directKey: key });
    if (!stored) throw new Error('a direct room is missing right after its insert');
    for (const userId of new Set([openerId, peerId])) {
      await this.members
        .updateOne(
          { roomId: stored._id, userId },
          { $setOnInsert: { roomId: stored._id, userId, joinedAt: stored.createdAt } },
          { upsert: true },
        )
        .catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        });
    }
    return { room: toRoom(stored), created };
  }

  async directPair(roomId: string): Promise<[string, string] | null> {
    const room = await this.rooms.findOne({ _id: roomId }, { projection: { directKey: 1, ownerId: 1 } });
    return room?.directKey ? fromDirectKey(room.directKey, room.ownerId) : null;
  }

  async update(roomId: string, changes: RoomChanges): Promise<Room | null> {
    const set: Partial<RoomDocument> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.topic) set.topic = changes.topic;
    const unset = changes.topic === '' ? { $unset: { topic: '' as const } } : {};
    const document = await this.rooms.findOneAndUpdate(
      { _id: roomId },
      { ...(Object.keys(set).length > 0 ? { $set: set } : {}), ...unset },
      { returnDocument: 'after' },
    );
    return document && toRoom(document);
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.members.deleteOne({ roomId, userId })).deletedCount > 0;
  }

  async leave(roomId: string, userId: string): Promise<LeaveOutcome> {
    return inTransaction(this.db.client, async (session) => {
      // Writing the room first makes two departures at once conflict: one retries after the other.
      const room = await this.rooms.findOneAndUpdate(
        { _id: roomId },
        { $set: { departedAt: now() } },
        { session, returnDocument: 'after' },
      );
      if (!room || (await this.members.deleteOne({ roomId, userId }, { session })).deletedCount === 0) {
        return { left: false };
      }
      const [heir] = await this.members
        .find({ roomId }, { session })
        .sort({ joinedAt: 1, userId: 1 })
        .limit(1)
        .toArray();
      if (!heir) {
        await this.rooms.updateOne({ _id: roomId }, { $set: { archivedAt: now() } }, { session });
        return { left: true, archived: true };
      }
      if (room.ownerId !== userId) return { left: true, room: toRoom(room) };
      await this.rooms.updateOne({ _id: roomId }, { $set: { ownerId: heir.userId } }, { session });
      return { left: true, room: toRoom({ ...room, ownerId: heir.userId }) };
    });
  }

  async listMembers(roomId: string, { after, limit }: MemberPage): Promise<string[]> {
    if (limit < 1) return [];
    const documents = await this.members
      .find(after ? { roomId, userId: { $gt: after } } : { roomId }, { projection: { _id: 0, userId: 1 } })
      .sort({ userId: 1 })
      .limit(limit)
      .toArray();
    return documents.map((m) => m.userId);
  }

  async ensureGeneral(): Promise<Room> {
    const general: Omit<RoomDocument, '_id'> = {
      name: 'general',
      visibility: 'public',
      ownerId: 'system',
      createdAt: now(),
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
