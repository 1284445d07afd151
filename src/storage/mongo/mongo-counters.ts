import type { Db } from 'mongodb';
import { isDuplicateKeyError, MONGO_COLLECTIONS } from './mongo-connection.js';

interface CounterDocument {
  _id: string;
  seq: number;
}

const counters = (db: Db) => db.collection<CounterDocument>(MONGO_COLLECTIONS.counters);

/** The next value (1, 2, ...) of the named sequence in the counters collection. */
export async function nextSequence(db: Db, name: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const counter = await counters(db).findOneAndUpdate(
        { _id: name },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      if (!counter) throw new Error(`the ${name} counter upsert returned no document`);
      return counter.seq;
    } catch (error) {
      // The first-ever upserts can race to insert the counter; a loser just increments it.
      if (!isDuplicateKeyError(error) || attempt === 3) throw error;
    }
  }
}

/** Makes the named sequence continue after `atLeast` (never lowers it). */
export async function raiseSequence(db: Db, name: string, atLeast: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await counters(db).updateOne({ _id: name }, { $max: { seq: atLeast } }, { upsert: true });
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt === 3) throw error;
    }
  }
}
