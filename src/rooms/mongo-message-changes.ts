import type { ClientSession, Collection, Db } from 'mongodb';
import { MONGO_COLLECTIONS } from '../storage/mongo/mongo-connection.js';
import { nextSequence } from '../storage/mongo/mongo-counters.js';
import { inTransaction } from '../storage/mongo/mongo-transaction.js';
import { LIMITS } from '../protocol/limits.js';
import type { Message, Reaction, User } from '../protocol/models.js';
import { BEFORE_FIRST_MESSAGE } from '../protocol/limits.js';
import { toPublicUser } from '../users/user-store.js';
import { formatMessageId } from './message-id.js';
import { ReactionLimitError, type AppliedChange, type MessageChangeStore } from './message-changes.js';
import { toMessage, type MessageDocument } from './mongo-message-store.js';

interface ReactionDocument {
  messageId: string;
  emoji: string;
  userId: string;
  user: User;
  /** Orders reactions (and so the emoji) by when they were made. */
  at: Date;
}

/** What a change writes: fields to set and to unset; `true` already so; `false` refused. */
type Outcome = { set: Partial<MessageDocument>; unset?: (keyof MessageDocument)[] } | boolean;

/**
 * Each change is one transaction that first writes the room's lock document (the same one appends
 * write), then takes its `rev` from the message id counter: so within a room revs and ids are
 * taken one transaction at a time, and a reader that sees a rev sees every smaller one too.
 */
export class MongoMessageChanges implements MessageChangeStore {
  private readonly messages: Collection<MessageDocument>;
  private readonly reactions: Collection<ReactionDocument>;

  constructor(private readonly db: Db) {
    this.messages = db.collection<MessageDocument>(MONGO_COLLECTIONS.messages);
    this.reactions = db.collection<ReactionDocument>(MONGO_COLLECTIONS.messageReactions);
  }

  async find(roomId: string, messageId: string): Promise<Message | null> {
    const document = await this.messages.findOne({ _id: messageId, roomId });
    return document && toMessage(document);
  }

  edit(roomId: string, messageId: string, text: string, at: Date): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, async (doc) => {
      if (doc.deleted) return false;
      return doc.text === text || { set: { text, editedAt: at.toISOString() } };
    });
  }

  remove(roomId: string, messageId: string): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, async (doc, session) => {
      if (doc.deleted) return true;
      await this.reactions.deleteMany({ messageId }, { session });
      return { set: { text: '', deleted: true }, unset: ['editedAt', 'reactions'] };
    });
  }

  react(
    roomId: string,
    messageId: string,
    emoji: string,
    user: User,
    maxEmoji: number,
  ): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, async (doc, session) => {
      if (doc.deleted) return false;
      // Looked up, not left to the unique index: a duplicate key would abort the transaction. Two
      // identical reactions at once conflict on the room lock first, and the retry finds this one.
      if (await this.reactions.countDocuments({ messageId, emoji, userId: user.id }, { session, limit: 1 })) {
        return true;
      }
      const known = await this.reactions.distinct('emoji', { messageId }, { session });
      if (!known.includes(emoji) && known.length >= maxEmoji) throw new ReactionLimitError(maxEmoji);
      await this.reactions.insertOne(
        { messageId, emoji, userId: user.id, user: toPublicUser(user), at: new Date() },
        { session },
      );
      return { set: { reactions: await this.summary(messageId, session) } };
    });
  }

  unreact(roomId: string, messageId: string, emoji: string, userId: string): Promise<AppliedChange | null> {
    return this.change(roomId, messageId, async (doc, session) => {
      if (doc.deleted) return false;
      const { deletedCount } = await this.reactions.deleteOne({ messageId, emoji, userId }, { session });
      return deletedCount === 0 || { set: { reactions: await this.summary(messageId, session) } };
    });
  }

  async head(roomId: string): Promise<string> {
    const [newest] = await this.messages
      .find({ roomId }, { projection: { rev: 1 } })
      .sort({ rev: -1 })
      .limit(1)
      .toArray();
    return newest?.rev ?? BEFORE_FIRST_MESSAGE;
  }

  async changesSince(roomId: string, since: string, upTo: string, limit: number): Promise<Message[]> {
    if (limit < 1) return [];
    const documents = await this.messages
      .find({ roomId, rev: { $gt: since, $lte: upTo } })
      .sort({ rev: 1 })
      .limit(limit)
      .toArray();
    return documents.map(toMessage);
  }

  private change(
    roomId: string,
    messageId: string,
    apply: (doc: MessageDocument, session: ClientSession) => Promise<Outcome>,
  ): Promise<AppliedChange | null> {
    return inTransaction(this.db.client, async (session) => {
      await this.db
        .collection<{ _id: string; appends: number }>(MONGO_COLLECTIONS.messageRoomLocks)
        .updateOne({ _id: roomId }, { $inc: { appends: 1 } }, { upsert: true, session });
      const doc = await this.messages.findOne({ _id: messageId, roomId }, { session });
      if (!doc) return null;
      const outcome = await apply(doc, session);
      if (outcome === false) return null;
      if (outcome === true) return { message: toMessage(doc), changed: false };
      const rev = formatMessageId(await nextSequence(this.db, MONGO_COLLECTIONS.messages));
      const set = { ...outcome.set, rev };
      const unset = Object.fromEntries((outcome.unset ?? []).map((field) => [field, '' as const]));
      // MongoDB before 5.0 refuses an empty $unset.
      const update = outcome.unset?.length ? { $set: set, $unset: unset } : { $set: set };
      await this.messages.updateOne({ _id: messageId }, update, { session });
      const changed: MessageDocument = { ...doc, ...set };
      for (const field of outcome.unset ?? []) delete changed[field];
      return { message: toMessage(changed), changed: true };
    });
  }

  /** Emoji in the order first used, each with its exact count and its first users. */
  private async summary(messageId: string, session: ClientSession): Promise<Reaction[]> {
    const rows = await this.reactions
      .aggregate<{ _id: string; count: number; first: Date; users: User[] }>(
        [
          { $match: { messageId } },
          { $sort: { at: 1, _id: 1 } },
          {
            $group: {
              _id: '$emoji',
              count: { $sum: 1 },
              first: { $first: '$at' },
              users: { $push: '$user' },
            },
          },
          { $project: { count: 1, first: 1, users: { $slice: ['$users', LIMITS.reactionUsersShown] } } },
          { $sort: { first: 1, _id: 1 } },
        ],
        { session },
      )
      .toArray();
    return rows.map(({ _id, count, users }) => ({ emoji: _id, count, users }));
  }
}
