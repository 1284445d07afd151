import type { OnModuleInit } from '@nestjs/common';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { nextSequence, raiseSequence } from '../storage/mongo/mongo-counters.js';
import { inTransaction } from '../storage/mongo/mongo-transaction.js';
import { toPublicUser } from '../users/user-store.js';
import type { Message } from '../protocol/models.js';
import { formatMessageId, parseMessageId } from './message-id.js';
import type { MessageQuery, MessageStore, NewMessage } from './message-store.js';
import {
  appendInCommitOrder,
  toDuplicateMessageError,
  type AppendOperations,
} from './mongo-message-append.js';

export type MessageDocument = Omit<Message, 'id'> & { _id: string };

interface RoomLockDocument {
  _id: string;
  /** Appends committed to the room; incremented so that every append really writes the lock. */
  appends: number;
}

/** The counter of message ids, in the counters collection. */
const MESSAGE_COUNTER = MONGO_COLLECTIONS.messages;

export const toMessage = ({
  _id,
  roomId,
  author,
  text,
  clientMsgId,
  createdAt,
  rev,
  editedAt,
  deleted,
  reactions,
}: MessageDocument): Message => ({
  id: _id,
  roomId,
  author: toPublicUser(author),
  text,
  clientMsgId,
  createdAt,
  // Messages stored before changes existed have no rev until `onModuleInit` gives them one.
  rev: rev ?? _id,
  ...(editedAt && { editedAt }),
  ...(deleted && { deleted }),
  ...(reactions?.length && { reactions }),
});

const toDocument = ({ id, ...rest }: Message): MessageDocument => ({ _id: id, ...rest });

/**
 * SQLite compares cursors as numbers; rewriting a cursor into the id format makes the string
 * comparison here agree for any numeric cursor. Non-numeric ones match nothing in either store.
 */
const cursor = (id: string, round: (n: number) => number): string | null => {
  const seq = parseMessageId(id);
  return Number.isNaN(seq) ? null : formatMessageId(Math.max(0, round(seq)));
};

/** Needs the collections and indexes of `ensureMongoIndexes`, and a replica set (transactions). */
export class MongoMessageStore implements MessageStore, OnModuleInit {
  private readonly messages: Collection<MessageDocument>;
  private readonly locks: Collection<RoomLockDocument>;

  constructor(private readonly db: Db) {
    this.messages = db.collection<MessageDocument>(MONGO_COLLECTIONS.messages);
    this.locks = db.collection<RoomLockDocument>(MONGO_COLLECTIONS.messageRoomLocks);
  }

  /** At boot: a database restored from a backup may hold ids its counter has not reached. */
  async onModuleInit(): Promise<void> {
    await this.raiseCounter();
    await this.backfillRevs();
  }

  /** Messages stored before changes existed take their id as their `rev`, so catch-up finds them. */
  private async backfillRevs(): Promise<void> {
    for (;;) {
      const batch = await this.messages
        .find({ rev: { $exists: false } }, { projection: { _id: 1 } })
        .limit(500)
        .toArray();
      if (batch.length === 0) return;
      await this.messages.bulkWrite(
        batch.map(({ _id }) => ({
          updateOne: { filter: { _id, rev: { $exists: false } }, update: { $set: { rev: _id } } },
        })),
      );
    }
  }

  append(message: NewMessage): Promise<{ message: Message; created: boolean }> {
    return appendInCommitOrder(this.operations, message);
  }

  private readonly operations: AppendOperations = {
    transaction: (work) =>
      inTransaction(this.db.client, (session) =>
        work({
          lockRoom: async (roomId) => {
            await this.locks.updateOne({ _id: roomId }, { $inc: { appends: 1 } }, { upsert: true, session });
          },
          nextId: () => nextSequence(this.db, MESSAGE_COUNTER),
          insert: async (message) => {
            try {
              await this.messages.insertOne(toDocument(message), { session });
            } catch (error) {
              throw isDuplicateKeyError(error) ? toDuplicateMessageError(error) : error;
            }
          },
        }),
      ),
    raiseCounter: () => this.raiseCounter(),
    findByClientMsgId: async (authorId, clientMsgId) => {
      const stored = await this.messages.findOne({ 'author.id': authorId, clientMsgId });
      return stored && toMessage(stored);
    },
  };

  private async raiseCounter(): Promise<void> {
    const [newest] = await this.messages
      .find({}, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    if (newest) await raiseSequence(this.db, MESSAGE_COUNTER, parseMessageId(newest._id));
  }

  async list(roomId: string, query: MessageQuery): Promise<Message[]> {
    const after = query.after === undefined ? undefined : cursor(query.after, Math.floor);
    const before = query.before === undefined ? undefined : cursor(query.before, Math.ceil);
    // Mongo reads a limit of 0 as "no limit".
    if (after === null || before === null || query.limit < 1) return [];
    const range = {
      ...(after !== undefined && { $gt: after }),
      ...(before !== undefined && { $lt: before }),
    };
    // Only a lone `after` pages forward; every other query takes the newest `limit` of its window.
    const forward = after !== undefined && before === undefined;
    const documents = await this.messages
      .find(after === undefined && before === undefined ? { roomId } : { roomId, _id: range })
      .sort({ _id: forward ? 1 : -1 })
      .limit(query.limit)
      .toArray();
    if (!forward) documents.reverse();
    return documents.map(toMessage);
  }
}
