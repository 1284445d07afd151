import { BSON, type Document } from 'mongodb';

/**
 * The few parts of the MongoDB wire protocol a driver speaks to a replica set member: OP_QUERY for
 * the first handshake only, OP_MSG for everything after, OP_REPLY to answer the former. BSON comes
 * from the driver's own `bson`, so what goes over the socket is exactly what a server would see.
 */
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER = 16;

export interface WireRequest {
  requestId: number;
  opCode: number;
  /** The command document, with OP_MSG document sequences (kind 1) folded in under their names. */
  command: Document;
  /** OP_MSG `moreToCome`: the client expects no reply. */
  moreToCome: boolean;
}

function cstring(buffer: Buffer, at: number): { value: string; end: number } {
  const end = buffer.indexOf(0, at);
  return { value: buffer.toString('utf8', at, end), end: end + 1 };
}

function parse(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    const { end } = cstring(message, HEADER + 4);
    const query = BSON.deserialize(message.subarray(end + 8, end + 8 + message.readInt32LE(end + 8)));
    return { requestId, opCode, command: (query.$query as Document | undefined) ?? query, moreToCome: false };
  }
  if (opCode !== OP_MSG) throw new Error(`fake MongoDB: unsupported opcode ${opCode}`);
  const flags = message.readUInt32LE(HEADER);
  const end = message.length - (flags & 1 ? 4 : 0);
  let command: Document = {};
  const sequences: Record<string, Document[]> = {};
  for (let at = HEADER + 4; at < end;) {
    const kind = message[at];
    const size = message.readInt32LE(at + 1);
    if (kind === 0) {
      command = BSON.deserialize(message.subarray(at + 1, at + 1 + size));
      at += 1 + size;
      continue;
    }
    const name = cstring(message, at + 5);
    const documents: Document[] = [];
    for (let doc = name.end; doc < at + 1 + size; doc += message.readInt32LE(doc)) {
      documents.push(BSON.deserialize(message.subarray(doc, doc + message.readInt32LE(doc))));
    }
    sequences[name.value] = documents;
    at += 1 + size;
  }
  return { requestId, opCode, command: { ...command, ...sequences }, moreToCome: (flags & 2) !== 0 };
}

/** Splits a connection's bytes into requests as they complete. */
export class RequestReader {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): WireRequest[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const requests: WireRequest[] = [];
    while (this.pending.length >= 4 && this.pending.length >= this.pending.readInt32LE(0)) {
      const length = this.pending.readInt32LE(0);
      requests.push(parse(this.pending.subarray(0, length)));
      this.pending = this.pending.subarray(length);
    }
    return requests;
  }
}

let nextReplyId = 1;

/** The reply to `request`, in the opcode the request came in. */
export function encodeReply(request: WireRequest, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const prefix =
    request.opCode === OP_QUERY
      ? Buffer.alloc(20) // responseFlags, cursorID (8), startingFrom, numberReturned
      : Buffer.alloc(5); // flagBits, section kind 0
  if (request.opCode === OP_QUERY) prefix.writeInt32LE(1, 16);
  const header = Buffer.alloc(HEADER);
  header.writeInt32LE(HEADER + prefix.length + body.length, 0);
  header.writeInt32LE(nextReplyId++, 4);
  header.writeInt32LE(request.requestId, 8);
  header.writeInt32LE(request.opCode === OP_QUERY ? OP_REPLY : OP_MSG, 12);
  return Buffer.concat([header, prefix, body]);
}
