import type { Sqlite } from './sqlite.js';

/**
 * The most writes one transaction commits: a flood queued in one turn of the event loop is
 * committed in slices, with other work between them.
 */
const MAX_GROUP = 64;

/**
 * Group commit on one SQLite connection: the writes queued during a turn of the event loop run in
 * one transaction after it (`setImmediate`), and each resolves only once that transaction
 * committed, so whatever follows a write (an ack, a broadcast) still follows its commit. The pages
 * a write dirties (a table, its indexes, the full-text index) go to the WAL once per turn instead
 * of once per write. Writes run in the order they were queued.
 */
export interface GroupCommit {
  /** Queues `write` (synchronous statements); settles with its outcome once committed. */
  run<T>(write: () => T): Promise<T>;
  /**
   * Commits what is queued now. Every read of what these writes touch calls it first, so a read
   * sees each write queued before it, as when every write committed at once.
   */
  settle(): void;
}

interface Queued {
  write: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

// One queue per connection, whichever stores share it: a read through one store settles the
// writes queued through another.
const queues = new WeakMap<Sqlite, GroupCommit>();

export function groupCommitOf(db: Sqlite): GroupCommit {
  let group = queues.get(db);
  if (!group) {
    group = createGroupCommit(db);
    queues.set(db, group);
  }
  return group;
}

function createGroupCommit(db: Sqlite): GroupCommit {
  const queued: Queued[] = [];
  const all = db.transaction((writes: Queued[]) => writes.map((w) => w.write()));

  const commit = (writes: Queued[]) => {
    let results: unknown[];
    try {
      results = all(writes);
    } catch {
      // The transaction was rolled back whole. One failing write (a constraint it breaks, say)
      // must not fail the others: each runs again alone, with its own outcome.
      for (const w of writes) {
        try {
          w.resolve(db.transaction(w.write)());
        } catch (error) {
          w.reject(error);
        }
      }
      return;
    }
    writes.forEach((w, i) => w.resolve(results[i]));
  };

  const commitNext = () => {
    if (queued.length === 0) return;
    const writes = queued.splice(0, MAX_GROUP);
    if (queued.length > 0) setImmediate(commitNext);
    commit(writes);
  };

  return {
    run: <T>(write: () => T) =>
      new Promise<T>((resolve, reject) => {
        const entry: Queued = { write, resolve: resolve as (value: unknown) => void, reject };
        if (queued.push(entry) === 1) setImmediate(commitNext);
      }),
    settle: () => {
      while (queued.length > 0) commit(queued.splice(0, MAX_GROUP));
    },
  };
}
