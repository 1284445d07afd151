import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS, nextSequence } from '../storage/mongo/mongo-connection.js';
import { toPublicUser } from '../users/user-store.js';
import type { Message } from '../protocol/models.js';
import { formatMessageId, parseMessageId } from './message-id.js';
import type { MessageQuery, MessageStore, NewMessage } from './message-store.js';

type MessageDocument = Omit<Message, 'id'> & { _id: string };

const toMessage = ({ _id, roomId, author, text, clientMsgId, createdAt }: MessageDocument): Message => ({
  id: _id,
  roomId,
  author: toPublicUser(author),
  text,
  clientMsgId,
  createdAt,
});

/**
 * SQLite compares cursors as numbers; rewriting a cursor into the id format makes the string
 * comparison here agree for any numeric cursor. Non-numeric ones match nothing in either store.
 */
const cursor = (id: string, round: (n: number) => number): string | null => {
  const seq = parseMessageId(id);
  return Number.isNaN(seq) ? null : formatMessageId(Math.max(0, round(seq)));
};

/** Needs the indexes of `ensureMongoIndexes`. */
export class MongoMessageStore implements MessageStore {
  private readonly messages: Collection<MessageDocument>;

  constructor(private readonly db: Db) {
    this.messages = db.collection<MessageDocument>(MONGO_COLLECTIONS.messages);
  }

  async append(message: NewMessage): Promise<{ message: Message; created: boolean }> {
    const document: MessageDocument = {
      _id: formatMessageId(await nextSequence(this.db, MONGO_COLLECTIONS.messages)),
      roomId: message.roomId,
      author: toPublicUser(message.author),
      text: message.text,
      clientMsgId: message.clientMsgId,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.messages.insertOne(document);
      return { message: toMessage(document), created: true };
    } catch (error) {
      // The unique (author.id, clientMsgId) index settles concurrent retries across processes: the
      // loser stores nothing and reads the winner's message.
      if (!isDuplicateKeyError(error)) throw error;
      const stored = await this.messages.findOne({
        'author.id': message.author.id,
        clientMsgId: message.clientMsgId,
      });
      if (!stored) throw error;
      return { message: toMessage(stored), created: false };
    }
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
