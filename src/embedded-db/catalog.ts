// Collection and index metadata. Small, so it is mirrored in memory; every change is written to
// the lmdb catalog inside the same transaction as the data change it belongs to.
import { deserialize, serialize, UUID, type Document } from 'bson';
import { toQueryForm } from './bson-values.js';
import { u32 } from './index-keys.js';
import { prefixRange, type Storage } from './storage.js';

export interface IndexSpec {
  id: number;
  name: string;
  key: Array<[string, 1 | -1]>;
  /** The key document as the client sent it (echoed by listIndexes). */
  keyDoc: Document;
  unique: boolean;
  sparse: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  /** text / 2dsphere / hashed indexes are listed but never used by the planner. */
  special: boolean;
  /** Set once any document put an array into an indexed field (never cleared, as in MongoDB): such an
   *  index cannot serve sorts, and range bounds on it must not be intersected. */
  multikey: boolean;
  /** Other creation options, echoed back by listIndexes. */
  extra: Document;
}

export interface CollectionMeta {
  ns: string;
  db: string;
  name: string;
  id: number;
  uuid: string;
  options: Document;
  indexes: IndexSpec[];
}

const NEXT_ID_KEY = '\u0000nextId';

export class Catalog {
  private readonly byNs = new Map<string, CollectionMeta>();
  private nextId = 1;

  constructor(private readonly storage: Storage) {
    for (const { key, value } of storage.catalog.getRange({})) {
      if (key === NEXT_ID_KEY) {
        this.nextId = (deserialize(value) as { n: number }).n;
        continue;
      }
      const meta = deserialize(value, { promoteValues: true }) as CollectionMeta;
      for (const ix of meta.indexes) {
        if (ix.partialFilterExpression)
          ix.partialFilterExpression = toQueryForm(ix.partialFilterExpression) as Document;
      }
      this.byNs.set(key, meta);
    }
  }

  get(ns: string): CollectionMeta | undefined {
    return this.byNs.get(ns);
  }

  list(db: string): CollectionMeta[] {
    return [...this.byNs.values()].filter((m) => m.db === db);
  }

  all(): CollectionMeta[] {
    return [...this.byNs.values()];
  }

  databases(): string[] {
    return [...new Set([...this.byNs.values()].map((m) => m.db))];
  }

  /** Must run inside a write transaction. */
  allocateId(): number {
    const id = this.nextId++;
    this.storage.catalog.putSync(NEXT_ID_KEY, Buffer.from(serialize({ n: this.nextId })));
    return id;
  }

  /** Must run inside a write transaction. Returns the collection, creating it when missing. */
  ensure(ns: string, options: Document = {}): { meta: CollectionMeta; created: boolean } {
    const existing = this.byNs.get(ns);
    if (existing) return { meta: existing, created: false };
    const dot = ns.indexOf('.');
    const meta: CollectionMeta = {
      ns,
      db: ns.slice(0, dot),
      name: ns.slice(dot + 1),
      id: this.allocateId(),
      uuid: new UUID().toHexString(),
      options,
      indexes: [],
    };
    this.save(meta);
    return { meta, created: true };
  }

  /** Must run inside a write transaction. */
  save(meta: CollectionMeta): void {
    this.byNs.set(meta.ns, meta);
    this.storage.catalog.putSync(meta.ns, Buffer.from(serialize(meta)));
  }

  /** Must run inside a write transaction. Removes the catalog entry only (data stays, e.g. rename). */
  forget(ns: string): void {
    this.byNs.delete(ns);
    this.storage.catalog.removeSync(ns);
  }

  /** Must run inside a write transaction. Deletes the collection, its documents and index entries. */
  drop(ns: string): boolean {
    const meta = this.byNs.get(ns);
    if (!meta) return false;
    clearRange(this.storage, 'docs', u32(meta.id));
    for (const ix of meta.indexes) clearRange(this.storage, 'index', u32(ix.id));
    this.byNs.delete(ns);
    this.storage.catalog.removeSync(ns);
    return true;
  }
}

/** Removes every key with the given prefix (in chunks, so a huge collection never sits in memory). */
export function clearRange(storage: Storage, which: 'docs' | 'index', prefix: Buffer): void {
  const db = storage[which];
  const range = prefixRange(prefix);
  for (;;) {
    const keys = [...db.getKeys({ ...range, limit: 5000 })];
    if (keys.length === 0) return;
    for (const k of keys) db.removeSync(k);
  }
}
