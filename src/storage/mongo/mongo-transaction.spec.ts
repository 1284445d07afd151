import { MongoError, MongoErrorLabel, MongoServerError } from 'mongodb';
import { runTransaction, type TransactionSession } from './mongo-transaction.js';

const labelled = (error: MongoError, label: string) => {
  error.addErrorLabel(label);
  return error;
};
const writeConflict = () =>
  labelled(
    new MongoServerError({ code: 112, codeName: 'WriteConflict', errmsg: 'write conflict' }),
    MongoErrorLabel.TransientTransactionError,
  );

/** A session that records what it was asked; `commit` decides each commit's outcome. */
function recordingSession(commit: () => Promise<void> = async () => undefined) {
  const calls: string[] = [];
  let open = false;
  const session: TransactionSession = {
    startTransaction: (options) => {
      calls.push(`start ${options?.writeConcern?.w}`);
      open = true;
    },
    commitTransaction: async () => {
      calls.push('commit');
      open = false;
      await commit();
    },
    abortTransaction: async () => {
      calls.push('abort');
      open = false;
    },
    inTransaction: () => open,
  };
  return { session, calls };
}

const noPause = { pause: async () => undefined };

describe('runTransaction', () => {
  it('commits the work on a majority and returns its result', async () => {
    const { session, calls } = recordingSession();
    expect(await runTransaction(session, async () => 'done', noPause)).toBe('done');
    expect(calls).toEqual(['start majority', 'commit']);
  });

  it('starts over after a write conflict with a concurrent transaction', async () => {
    const { session, calls } = recordingSession();
    let attempts = 0;
    const result = await runTransaction(
      session,
      async () => {
        attempts += 1;
        if (attempts < 3) throw writeConflict();
        return attempts;
      },
      noPause,
    );
    expect(result).toBe(3);
    expect(calls).toEqual(['start majority', 'abort', 'start majority', 'abort', 'start majority', 'commit']);
  });

  it('starts over when the commit itself reports a transient error', async () => {
    let commits = 0;
    const { session, calls } = recordingSession(async () => {
      commits += 1;
      if (commits === 1) throw writeConflict();
    });
    await runTransaction(session, async () => undefined, noPause);
    expect(calls).toEqual(['start majority', 'commit', 'start majority', 'commit']);
  });

  it('gives up on conflicts once its budget is spent, with the last error', async () => {
    const { session } = recordingSession();
    let clock = 0;
    const conflict = writeConflict();
    const work = async () => {
      clock += 600;
      throw conflict;
    };
    await expect(
      runTransaction(session, work, { ...noPause, budgetMs: 1000, now: () => clock }),
    ).rejects.toBe(conflict);
    expect(clock).toBe(1200);
  });

  it('does not retry an error that is not transient, and aborts what it started', async () => {
    const { session, calls } = recordingSession();
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' });
    await expect(runTransaction(session, () => Promise.reject(duplicate), noPause)).rejects.toBe(duplicate);
    expect(calls).toEqual(['start majority', 'abort']);
  });
});
