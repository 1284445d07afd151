import { MongoServerError } from 'mongodb';
import type { Message } from '../protocol/models.js';
import {
  appendInCommitOrder,
  DuplicateMessageError,
  toDuplicateMessageError,
  type AppendOperations,
} from './mongo-message-append.js';

const author = { id: 'u1', username: 'writer', displayName: 'The Writer' };
const newMessage = { roomId: 'r1', author, text: 'hi', clientMsgId: 'c1' };
const duplicateKey = (keyPattern: Record<string, number>) =>
  new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error', keyPattern });

/**
 * Operations over an in-memory table, recording their order. `clashes` ids are "already stored"
 * (a restored backup), until the counter is raised past them.
 */
function operations({ stored = [] as Message[], counter = 0, clashesUpTo = 0 } = {}) {
  const calls: string[] = [];
  let seq = counter;
  const ops: AppendOperations = {
    transaction: async (work) => {
      calls.push('begin');
      const result = await work({
        lockRoom: async (roomId) => void calls.push(`lock ${roomId}`),
        nextId: async () => {
          seq += 1;
          calls.push(`id ${seq}`);
          return seq;
        },
        insert: async (message) => {
          calls.push(`insert ${message.id}`);
          if (
            stored.some((m) => m.author.id === message.author.id && m.clientMsgId === message.clientMsgId)
          ) {
            throw toDuplicateMessageError(duplicateKey({ 'author.id': 1, clientMsgId: 1 }));
          }
          if (seq <= clashesUpTo) throw toDuplicateMessageError(duplicateKey({ _id: 1 }));
          stored.push(message);
        },
      });
      calls.push('commit');
      return result;
    },
    raiseCounter: async () => {
      calls.push(`raise to ${clashesUpTo}`);
      seq = Math.max(seq, clashesUpTo);
    },
    findByClientMsgId: async (authorId, clientMsgId) =>
      stored.find((m) => m.author.id === authorId && m.clientMsgId === clientMsgId) ?? null,
  };
  return { ops, calls, stored };
}

const at = () => new Date('2026-01-02T03:04:05.000Z');

describe('appendInCommitOrder', () => {
  it('locks the room, then takes the id, then inserts, all in one transaction', async () => {
    const { ops, calls } = operations({ counter: 41 });
    const result = await appendInCommitOrder(ops, newMessage, at);
    expect(calls).toEqual(['begin', 'lock r1', 'id 42', 'insert 0000000000000042', 'commit']);
    expect(result).toEqual({
      created: true,
      message: {
        id: '0000000000000042',
        ...newMessage,
        createdAt: '2026-01-02T03:04:05.000Z',
        rev: '0000000000000042',
      },
    });
  });

  it('returns the stored message for a repeated clientMsgId, storing nothing', async () => {
    const { ops, stored } = operations();
    const first = await appendInCommitOrder(ops, newMessage, at);
    const again = await appendInCommitOrder(ops, { ...newMessage, text: 'retry' }, at);
    expect(again).toEqual({ message: first.message, created: false });
    expect(stored).toHaveLength(1);
  });

  it('raises the counter past the stored ids and tries again when its id is taken (a restored backup)', async () => {
    const { ops, calls } = operations({ counter: 0, clashesUpTo: 7 });
    const { message } = await appendInCommitOrder(ops, newMessage, at);
    expect(message.id).toBe('0000000000000008');
    expect(calls).toEqual([
      'begin',
      'lock r1',
      'id 1',
      'insert 0000000000000001',
      'raise to 7',
      'begin',
      'lock r1',
      'id 8',
      'insert 0000000000000008',
      'commit',
    ]);
  });

  it('gives up when the id is taken again after raising the counter', async () => {
    const { ops } = operations({ clashesUpTo: 3 });
    ops.raiseCounter = async () => undefined; // someone keeps the counter behind
    await expect(appendInCommitOrder(ops, newMessage, at)).rejects.toMatchObject({ code: 11000 });
  });

  it('passes on any other failure untouched', async () => {
    const { ops } = operations();
    const outage = new Error('no primary');
    ops.transaction = () => Promise.reject(outage);
    await expect(appendInCommitOrder(ops, newMessage, at)).rejects.toBe(outage);
  });
});

describe('toDuplicateMessageError', () => {
  it('tells the two unique indexes of messages apart by the key pattern the server names', () => {
    expect(toDuplicateMessageError(duplicateKey({ _id: 1 })).index).toBe('id');
    expect(toDuplicateMessageError(duplicateKey({ 'author.id': 1, clientMsgId: 1 })).index).toBe(
      'clientMsgId',
    );
    const unnamed = toDuplicateMessageError(new MongoServerError({ code: 11000, errmsg: 'E11000' }));
    expect(unnamed).toBeInstanceOf(DuplicateMessageError);
    expect(unnamed.index).toBe('unknown');
  });
});
