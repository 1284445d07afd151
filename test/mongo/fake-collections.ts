import { Long, ObjectId, type Document } from 'mongodb';
import { matches } from './document-match.js';

/** Applies the update operators Tether's stores and connect-mongo send; others throw. */
function applyUpdate(document: Document, update: Document, inserting: boolean): void {
  for (const [operator, fields] of Object.entries(update)) {
    for (const [field, value] of Object.entries(fields as Document)) {
      if (operator === '$set' || (operator === '$setOnInsert' && inserting)) document[field] = value;
      else if (operator === '$inc') document[field] = ((document[field] as number | undefined) ?? 0) + value;
      else if (operator === '$max') {
        if (document[field] === undefined || document[field] < value) document[field] = value;
      } else if (operator !== '$setOnInsert')
        throw new Error(`fake MongoDB: update ${operator} is not supported`);
    }
  }
}

/** Equality fields of a filter: what an upsert's new document starts from. */
const equalities = (filter: Document) =>
  Object.fromEntries(
    Object.entries(filter).filter(([key, value]) => !key.startsWith('$') && typeof value !== 'object'),
  );

const isCount = (group: unknown) => JSON.stringify(group) === JSON.stringify({ _id: 1, n: { $sum: 1 } });

/**
 * In-memory collections behind the fake server's CRUD commands: enough of `insert`, `find`,
 * `update`, `delete`, `findAndModify` and counting `aggregate`s for Tether's stores and
 * connect-mongo to run their ordinary paths. Top-level sorts only; no projection, no transaction
 * isolation.
 */
export class FakeCollections {
  private readonly collections = new Map<string, Document[]>();

  constructor(private readonly onInsert: (ns: string, document: Document) => void) {}

  documents(ns: string): Document[] {
    const stored = this.collections.get(ns) ?? [];
    this.collections.set(ns, stored);
    return stored;
  }

  insert(ns: string, documents: Document[]): Document {
    for (const document of documents) {
      this.documents(ns).push(document);
      this.onInsert(ns, document);
    }
    return { n: documents.length, ok: 1 };
  }

  find(ns: string, command: Document): Document {
    const found = this.documents(ns).filter((d) =>
      matches(d, (command.filter as Document | undefined) ?? {}),
    );
    for (const [field, direction] of Object.entries((command.sort as Document | undefined) ?? {}).reverse()) {
      found.sort((a, b) => (a[field] < b[field] ? -direction : a[field] > b[field] ? direction : 0));
    }
    const limited = command.limit ? found.slice(0, Math.abs(Number(command.limit))) : found;
    return { cursor: { id: Long.ZERO, ns, firstBatch: limited }, ok: 1 };
  }

  update(ns: string, updates: Document[]): Document {
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    updates.forEach(({ q, u, upsert }, index) => {
      const existing = this.documents(ns).find((d) => matches(d, q));
      if (existing) {
        applyUpdate(existing, u, false);
        n += 1;
        nModified += 1;
      } else if (upsert) {
        const document: Document = { ...equalities(q) };
        document._id ??= new ObjectId();
        applyUpdate(document, u, true);
        this.insert(ns, [document]);
        n += 1;
        upserted.push({ index, _id: document._id });
      }
    });
    return { n, nModified, ...(upserted.length > 0 && { upserted }), ok: 1 };
  }

  delete(ns: string, deletes: Document[]): Document {
    let n = 0;
    for (const { q, limit } of deletes) {
      const stored = this.documents(ns);
      for (let i = stored.length - 1; i >= 0; i--) {
        if (!matches(stored[i], q)) continue;
        stored.splice(i, 1);
        n += 1;
        if (limit === 1) break;
      }
    }
    return { n, ok: 1 };
  }

  findAndModify(ns: string, command: Document): Document {
    const stored = this.documents(ns);
    const existing = stored.find((d) => matches(d, (command.query as Document | undefined) ?? {}));
    if (command.remove) {
      if (existing) stored.splice(stored.indexOf(existing), 1);
      return { value: existing ?? null, ok: 1 };
    }
    if (existing) {
      const before = { ...existing };
      applyUpdate(existing, command.update as Document, false);
      return { value: command.new ? existing : before, ok: 1 };
    }
    if (!command.upsert) return { value: null, ok: 1 };
    const { upserted } = this.update(ns, [{ q: command.query, u: command.update, upsert: true }]);
    const created = stored.find((d) => d._id === (upserted as Document[])[0]._id);
    return { value: command.new ? created : null, ok: 1 };
  }

  /** `countDocuments` and the like: `$match`, `$skip`, `$limit`, `$group` by a constant counting. */
  aggregate(ns: string, pipeline: Document[]): Document {
    let documents = this.documents(ns);
    for (const stage of pipeline) {
      if (stage.$match) documents = documents.filter((d) => matches(d, stage.$match as Document));
      else if (stage.$skip !== undefined) documents = documents.slice(Number(stage.$skip));
      else if (stage.$limit !== undefined) documents = documents.slice(0, Number(stage.$limit));
      else if (isCount(stage.$group))
        documents = documents.length > 0 ? [{ _id: 1, n: documents.length }] : [];
      else throw new Error(`fake MongoDB: aggregate stage ${Object.keys(stage)[0]} is not supported`);
    }
    return { cursor: { id: Long.ZERO, ns, firstBatch: documents }, ok: 1 };
  }
}
