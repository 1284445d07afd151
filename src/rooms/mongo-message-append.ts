import type { MongoServerError } from 'mongodb';
import { duplicateKeyFields } from '../storage/mongo/mongo-connection.js';
import { toPublicUser } from '../users/user-store.js';
import type { Message } from '../protocol/models.js';
import { formatMessageId } from './message-id.js';
import type { NewMessage } from './message-store.js';

/** The operations of one append inside its transaction, each a single MongoDB command. */
export interface AppendTransaction {
  /**
   * Writes the room's lock document. Until this transaction ends, every other append to the room
   * conflicts with it and starts over, so appends to one room take their ids one at a time.
   */
  lockRoom(roomId: string): Promise<void>;
  /**
   * The next value of the global id sequence. Taken outside the transaction: appends to other
   * rooms must not conflict on the counter, and an id an aborted attempt took is simply skipped.
   */
  nextId(): Promise<number>;
  /** Inserts the message; a duplicate key becomes a `DuplicateMessageError`. */
  insert(message: Message): Promise<void>;
}

export interface AppendOperations {
  /** Runs `work` in one transaction that commits on a majority (see `runTransaction`). */
  transaction<T>(work: (tx: AppendTransaction) => Promise<T>): Promise<T>;
  /** Makes the id sequence continue after the highest id stored. */
  raiseCounter(): Promise<void>;
  findByClientMsgId(authorId: string, clientMsgId: string): Promise<Message | null>;
}

/**
 * An insert hit one of the two unique indexes of messages: `_id` (the id was handed out before,
 * e.g. by the counter of a backup older than its messages) or `author.id` + `clientMsgId` (a retry
 * of a stored message). `unknown`: the server did not say which.
 */
export class DuplicateMessageError extends Error {
  constructor(
    readonly index: 'id' | 'clientMsgId' | 'unknown',
    options: { cause: unknown },
  ) {
    super(`duplicate message (${index})`, options);
    this.name = 'DuplicateMessageError';
  }
}

export function toDuplicateMessageError(error: MongoServerError): DuplicateMessageError {
  const fields = duplicateKeyFields(error);
  const index = fields.includes('clientMsgId') ? 'clientMsgId' : fields.includes('_id') ? 'id' : 'unknown';
  return new DuplicateMessageError(index, { cause: error });
}

/**
 * Appends `message` so that, within its room, id order is commit order: the room is locked first,
 * then the id taken, then the message inserted, all in one transaction. A reader paging with
 * `after` therefore never sees an id while a smaller one of the same room is still uncommitted.
 * A repeated `clientMsgId` returns the stored message; an id clash raises the counter to the
 * highest stored id and tries once more.
 */
export async function appendInCommitOrder(
  operations: AppendOperations,
  message: NewMessage,
  now: () => Date = () => new Date(),
): Promise<{ message: Message; created: boolean }> {
  for (let clashes = 0; ; clashes++) {
    try {
      const stored = await operations.transaction(async (tx) => {
        await tx.lockRoom(message.roomId);
        const id = formatMessageId(await tx.nextId());
        const document: Message = {
          id,
          roomId: message.roomId,
          author: toPublicUser(message.author),
          text: message.text,
          clientMsgId: message.clientMsgId,
          createdAt: now().toISOString(),
          rev: id,
        };
        await tx.insert(document);
        return document;
      });
      return { message: stored, created: true };
    } catch (error) {
      if (!(error instanceof DuplicateMessageError)) throw error;
      if (error.index !== 'id') {
        // The unique (author.id, clientMsgId) index settles concurrent retries across processes:
        // the loser stores nothing and reads the winner's message.
        const stored = await operations.findByClientMsgId(message.author.id, message.clientMsgId);
        if (stored) return { message: stored, created: false };
      }
      if (error.index === 'clientMsgId' || clashes > 0) throw error.cause;
      await operations.raiseCounter();
    }
  }
}
