import { Long, ObjectId, type Document } from 'mongodb';
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { matches } from './document-match.js';
import { FakeCollections } from './fake-collections.js';
import { encodeReply, RequestReader, type WireRequest } from './wire-protocol.js';

/** One command the server received, in arrival order. */
export interface ReceivedCommand {
  name: string;
  db: string;
  command: Document;
}

/** Answers a command, or returns undefined to leave it to the built-in behaviour. */
export type CommandScript = (command: Document, db: string) => Document | undefined;

interface ChangeEvent {
  token: number;
  ns: string;
  event: Document;
}

interface ChangeStreamCursor {
  id: number;
  ns: string;
  filter?: Document;
  /** Index into the change log of the next event to look at. */
  position: number;
  /** The reply to a getMore that waits for events (a real server waits `maxAwaitTimeMS`). */
  waiting?: (reply: Document) => void;
}

const resumeToken = (token: number) => ({ _data: token.toString(16).padStart(16, '0') });
const failure = (code: number, codeName: string, errmsg: string, errorLabels?: string[]) => ({
  ok: 0,
  code,
  codeName,
  errmsg,
  ...(errorLabels && { errorLabels }),
});

/**
 * A scripted MongoDB server on a free loopback port, speaking the real wire protocol to the real
 * driver. It plays a single-member replica set (or, with `replicaSet: null`, a standalone server):
 * `hello` as primary or, after `stepDown()`, as a secondary with no primary anywhere. CRUD commands
 * work on in-memory collections (`FakeCollections`, no transaction isolation); every insert also
 * goes to a change log that `$changeStream` aggregates read, resume from their tokens and wait on
 * in `getMore`, as a server does. `script()` overrides any command; an operator or command it does
 * not know fails loudly, so a test can never pass on an answer nobody wrote.
 */
export class FakeMongoServer extends EventEmitter {
  readonly received: ReceivedCommand[] = [];
  /** Every change event a change stream cursor was sent, in order. */
  readonly delivered: Document[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly scripts = new Map<string, CommandScript>();
  readonly collections = new FakeCollections((ns, document) =>
    this.recordChange(ns, {
      operationType: 'insert',
      fullDocument: document,
      documentKey: { _id: document._id },
    }),
  );
  /** Index specs created per namespace (`createIndexes`), as `listIndexes` answers them. */
  private readonly indexes = new Map<string, Document[]>();
  private readonly changes: ChangeEvent[] = [];
  private readonly cursors = new Map<number, ChangeStreamCursor>();
  /** Change events before this token are gone (the oplog rolled over). */
  private historyStart = 0;
  private nextCursorId = 1;
  private electionId = new ObjectId();
  private primary = true;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    private readonly setName: string | null,
  ) {
    super();
  }

  static async start({ replicaSet = 'rs0' }: { replicaSet?: string | null } = {}): Promise<FakeMongoServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeMongoServer(
      server,
      `127.0.0.1:${(server.address() as AddressInfo).port}`,
      replicaSet,
    );
    server.on('connection', (socket) => fake.serve(socket));
    return fake;
  }

  /** A connection string for database `db`. */
  url(db = 'tether', query = ''): string {
    const options = [this.setName ? `replicaSet=${this.setName}` : '', query].filter(Boolean).join('&');
    return `mongodb://${this.host}/${db}${options ? `?${options}` : ''}`;
  }

  /** Answers every `name` command with `script` from now on (until it returns undefined). */
  script(name: string, script: CommandScript): void {
    this.scripts.set(name, script);
  }

  /** Resolves with the first command since `since` (an index into `received`) that `test` accepts. */
  command(
    test: (received: ReceivedCommand) => boolean,
    since = 0,
    timeoutMs = 10_000,
  ): Promise<ReceivedCommand> {
    const seen = this.received.slice(since).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('command', listener);
        reject(new Error('fake MongoDB: the awaited command never came'));
      }, timeoutMs);
      const listener = (received: ReceivedCommand) => {
        if (!test(received)) return;
        clearTimeout(timer);
        this.off('command', listener);
        resolve(received);
      };
      this.on('command', listener);
    });
  }

  /** Change stream aggregates received since `since`. */
  changeStreamsOpened(since = 0): ReceivedCommand[] {
    return this.received
      .slice(since)
      .filter((c) => c.name === 'aggregate' && c.command.pipeline?.[0]?.$changeStream);
  }

  /** Records a change made by someone else (another instance's insert, the TTL monitor's delete). */
  recordChange(ns: string, event: Document): void {
    const token = this.changes.length + 1;
    const [db, ...coll] = ns.split('.');
    this.changes.push({
      token,
      ns,
      event: { _id: resumeToken(token), ns: { db, coll: coll.join('.') }, wallTime: new Date(), ...event },
    });
    for (const cursor of this.cursors.values()) {
      const batch = cursor.waiting && this.take(cursor);
      if (batch?.length) this.answerWaiting(cursor, batch);
    }
  }

  /** The primary steps down and no member takes over: no primary until `stepUp()`. */
  stepDown(): void {
    this.primary = false;
  }

  /** An election is won: primary again, with a new election id. */
  stepUp(): void {
    this.electionId = new ObjectId();
    this.primary = true;
  }

  /** Cuts every connection, as a crash, a restart or a network partition does. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    for (const cursor of this.cursors.values()) cursor.waiting = undefined;
  }

  /** Resume tokens issued so far stop working, as when the oplog has rolled over. */
  forgetHistory(): void {
    this.historyStart = this.changes.length + 1;
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    const reader = new RequestReader();
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      for (const request of reader.push(chunk)) this.answer(socket, request);
    });
  }

  private answer(socket: Socket, request: WireRequest): void {
    const { command } = request;
    const name = Object.keys(command)[0];
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    const received = { name, db, command };
    this.received.push(received);
    this.emit('command', received);
    const send = (reply: Document) => {
      if (!request.moreToCome && !socket.destroyed) socket.write(encodeReply(request, reply));
    };
    try {
      const reply = this.reply(name, db, command, send);
      if (reply) send(reply);
    } catch (error) {
      send(failure(2, 'BadValue', `fake MongoDB: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** The reply to one command; undefined when `send` will be called later (a waiting getMore). */
  private reply(
    name: string,
    db: string,
    command: Document,
    send: (reply: Document) => void,
  ): Document | undefined {
    const scripted = this.scripts.get(name)?.(command, db);
    if (scripted) return scripted;
    if (['hello', 'isMaster', 'ismaster'].includes(name)) return this.hello();
    if (['ping', 'endSessions', 'buildInfo'].includes(name)) return { ok: 1 };
    if (this.setName && !this.primary) {
      return failure(10107, 'NotWritablePrimary', 'not primary', ['RetryableWriteError']);
    }
    const ns = `${db}.${String(command[name])}`;
    switch (name) {
      case 'insert':
        return this.collections.insert(ns, command.documents as Document[]);
      case 'find':
        return this.collections.find(ns, command);
      case 'update':
        return this.collections.update(ns, command.updates as Document[]);
      case 'delete':
        return this.collections.delete(ns, command.deletes as Document[]);
      case 'findAndModify':
        return this.collections.findAndModify(ns, command);
      case 'aggregate':
        return command.pipeline?.[0]?.$changeStream
          ? this.openChangeStream(db, command)
          : this.collections.aggregate(ns, command.pipeline as Document[]);
      case 'getMore':
        return this.getMore(command, send);
      case 'killCursors':
        return this.killCursors(command);
      case 'create':
        if (this.indexes.has(ns)) return failure(48, 'NamespaceExists', `Collection ${ns} already exists.`);
        this.indexes.set(ns, []);
        return { ok: 1 };
      case 'createIndexes':
        return this.createIndexes(ns, command.indexes as Document[]);
      case 'collMod': {
        const { keyPattern, expireAfterSeconds } = command.index as Document;
        const spec = this.indexes.get(ns)?.find((i) => isDeepStrictEqual(i.key, keyPattern));
        if (!spec) return failure(27, 'IndexNotFound', `cannot find index ${JSON.stringify(keyPattern)}`);
        spec.expireAfterSeconds = expireAfterSeconds;
        return { ok: 1 };
      }
      case 'listIndexes': {
        const specs = [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...(this.indexes.get(ns) ?? [])];
        return { cursor: { id: Long.ZERO, ns, firstBatch: specs }, ok: 1 };
      }
      case 'commitTransaction':
      case 'abortTransaction':
        return { ok: 1 };
    }
    return failure(59, 'CommandNotFound', `fake MongoDB: no script for ${name}`);
  }

  /** As a server does: an index that exists as asked is fine; a clash on name or key is refused. */
  private createIndexes(ns: string, wanted: Document[]): Document {
    const specs = this.indexes.get(ns) ?? [];
    // Options that do not tell indexes apart (as on a real server).
    const options = ({ key: _key, name: _name, background: _background, v: _v, ...rest }: Document) => rest;
    for (const index of wanted) {
      const sameName = specs.find((s) => s.name === index.name);
      const sameKey = specs.find((s) => isDeepStrictEqual(s.key, index.key));
      if (sameName && !isDeepStrictEqual(sameName.key, index.key)) {
        return failure(86, 'IndexKeySpecsConflict', `An existing index has the same name as ${index.name}`);
      }
      if (sameKey && (sameKey.name !== index.name || !isDeepStrictEqual(options(sameKey), options(index)))) {
        return failure(
          85,
          'IndexOptionsConflict',
          `Index already exists with different options: ${sameKey.name}`,
        );
      }
    }
    const added = wanted.filter((index) => !specs.some((s) => s.name === index.name));
    this.indexes.set(ns, [...specs, ...added]);
    return { ok: 1 };
  }

  private hello(): Document {
    const common = {
      helloOk: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: this.received.length,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    };
    if (!this.setName) return { ...common, isWritablePrimary: true, ismaster: true };
    return {
      ...common,
      isWritablePrimary: this.primary,
      ismaster: this.primary,
      secondary: !this.primary,
      setName: this.setName,
      setVersion: 1,
      electionId: this.electionId,
      hosts: [this.host],
      me: this.host,
      ...(this.primary && { primary: this.host }),
    };
  }

  private openChangeStream(db: string, command: Document): Document {
    const ns = `${db}.${command.aggregate}`;
    const [{ $changeStream: stage }, ...rest] = command.pipeline as Document[];
    const token = (stage.resumeAfter ?? stage.startAfter) as { _data: string } | undefined;
    const after = token ? Number.parseInt(token._data, 16) : this.changes.length;
    if (token && (after < this.historyStart || after > this.changes.length)) {
      return failure(286, 'ChangeStreamHistoryLost', 'resume point may no longer be in the oplog');
    }
    const cursor: ChangeStreamCursor = {
      id: this.nextCursorId++,
      ns,
      filter: rest.find((stage) => stage.$match)?.$match as Document | undefined,
      position: after,
    };
    this.cursors.set(cursor.id, cursor);
    return {
      cursor: { id: Long.fromNumber(cursor.id), ns, firstBatch: this.take(cursor), ...this.postBatch() },
      ok: 1,
    };
  }

  private getMore(command: Document, send: (reply: Document) => void): Document | undefined {
    const cursor = this.cursors.get(Number(command.getMore));
    if (!cursor) return failure(43, 'CursorNotFound', 'cursor not found');
    const batch = this.take(cursor);
    if (batch.length > 0) return this.nextBatch(cursor, batch);
    cursor.waiting = send;
    return undefined;
  }

  private answerWaiting(cursor: ChangeStreamCursor, batch: Document[]): void {
    const send = cursor.waiting!;
    cursor.waiting = undefined;
    send(this.nextBatch(cursor, batch));
  }

  private nextBatch(cursor: ChangeStreamCursor, batch: Document[]): Document {
    return {
      cursor: { id: Long.fromNumber(cursor.id), ns: cursor.ns, nextBatch: batch, ...this.postBatch() },
      ok: 1,
    };
  }

  private postBatch(): Document {
    return { postBatchResumeToken: resumeToken(this.changes.length) };
  }

  /** The events after the cursor's position that its namespace and `$match` let through. */
  private take(cursor: ChangeStreamCursor): Document[] {
    const batch = this.changes
      .slice(cursor.position)
      .filter((change) => change.ns === cursor.ns && (!cursor.filter || matches(change.event, cursor.filter)))
      .map((change) => change.event);
    cursor.position = this.changes.length;
    this.delivered.push(...batch);
    return batch;
  }

  private killCursors(command: Document): Document {
    const ids = (command.cursors as unknown[]).map(Number);
    for (const id of ids) {
      const cursor = this.cursors.get(id);
      this.cursors.delete(id);
      // As a real server interrupts a getMore that waits on a killed cursor.
      cursor?.waiting?.(failure(237, 'CursorKilled', 'cursor was killed'));
    }
    return { cursorsKilled: ids.map((id) => Long.fromNumber(id)), ok: 1 };
  }
}
