// Index entries for documents, and the unique-key checks made before any byte is written (lmdb
// cannot roll back part of a batched transaction, so a write either passes every check first or
// does not happen).
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { CollectionMeta, IndexSpec } from './catalog.js';
import { encodeComponent, encodeValue, u32 } from './index-keys.js';
import { prefixRange, type Storage } from './storage.js';

export interface IndexEntry {
  /** u32 index id + encoded key fields (no _id suffix): the unique-check prefix. */
  prefix: Buffer;
  /** The key field values of this entry, for E11000's keyValue. */
  values: unknown[];
}

export interface DuplicateKey {
  index: IndexSpec | '_id_';
  keyValue: Document;
}

/** Every value a dotted path reaches, expanding arrays (MongoDB multikey semantics). */
export function valuesAtPath(doc: unknown, path: string): { values: unknown[]; array: boolean } {
  const parts = path.split('.');
  let array = false;
  const walk = (cur: unknown, i: number, out: unknown[]): void => {
    const part = parts[i];
    if (part === undefined) {
      if (Array.isArray(cur)) {
        array = true;
        if (cur.length === 0) out.push(undefined);
        else out.push(...(cur as unknown[]));
      } else out.push(cur);
      return;
    }
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(part) && cur[Number(part)] !== undefined) {
        walk(cur[Number(part)], i + 1, out);
        return;
      }
      array = true;
      for (const el of cur) walk(el, i, out);
      if (cur.length === 0) out.push(undefined);
      return;
    }
    if (cur === null || typeof cur !== 'object') {
      out.push(undefined);
      return;
    }
    walk((cur as Record<string, unknown>)[part], i + 1, out);
  };
  const out: unknown[] = [];
  walk(doc, 0, out);
  return { values: out.length ? dedupe(out) : [undefined], array };
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = encodeValue(v).toString('latin1');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const partialQueries = new WeakMap<Document, Query>();

function inPartial(ix: IndexSpec, doc: Document): boolean {
  const expr = ix.partialFilterExpression;
  if (!expr) return true;
  let q = partialQueries.get(expr);
  if (!q) {
    q = new Query(expr);
    partialQueries.set(expr, q);
  }
  return q.test(doc);
}

/** Entries a document contributes to an index (none when sparse/partial excludes it). */
export function entriesFor(ix: IndexSpec, doc: Document): { entries: IndexEntry[]; multikey: boolean } {
  if (!inPartial(ix, doc)) return { entries: [], multikey: false };
  let multikey = false;
  const perField = ix.key.map(([field]) => {
    const r = valuesAtPath(doc, field);
    if (r.array) multikey = true;
    return r.values;
  });
  if (ix.sparse && perField.every((vals) => vals.length === 1 && vals[0] === undefined)) {
    return { entries: [], multikey };
  }
  let combos: unknown[][] = [[]];
  for (const vals of perField) combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
  const entries = combos.map((values) => ({
    prefix: Buffer.concat([u32(ix.id), ...ix.key.map(([, dir], i) => encodeComponent(values[i], dir))]),
    values,
  }));
  return { entries, multikey };
}

export function docKey(meta: CollectionMeta, id: unknown): Buffer {
  return Buffer.concat([u32(meta.id), encodeValue(id)]);
}

/** Finds the first unique-key conflict `doc` would cause (ignoring the document itself). */
export function findDuplicate(
  storage: Storage,
  meta: CollectionMeta,
  doc: Document,
  isNew: boolean,
): DuplicateKey | undefined {
  if (isNew && storage.docs.get(docKey(meta, doc._id)) !== undefined) {
    return { index: '_id_', keyValue: { _id: doc._id as unknown } };
  }
  const ownId = encodeValue(doc._id);
  for (const ix of meta.indexes) {
    if (!ix.unique) continue;
    for (const entry of entriesFor(ix, doc).entries) {
      for (const { value } of storage.index.getRange({ ...prefixRange(entry.prefix), limit: 2 })) {
        if (!ownId.equals(value)) {
          const keyValue: Document = {};
          ix.key.forEach(([field], i) => (keyValue[field] = entry.values[i] ?? null));
          return { index: ix, keyValue };
        }
      }
    }
  }
  return undefined;
}

/** Adds (or removes) a document's entries in every index. Must run inside a write transaction. */
export function writeEntries(storage: Storage, meta: CollectionMeta, doc: Document, op: 'put' | 'remove'): boolean {
  const idBytes = encodeValue(doc._id);
  let metaChanged = false;
  for (const ix of meta.indexes) {
    const { entries, multikey } = entriesFor(ix, doc);
    if (multikey && !ix.multikey && op === 'put') {
      ix.multikey = true;
      metaChanged = true;
    }
    for (const e of entries) {
      const key = Buffer.concat([e.prefix, idBytes]);
      if (op === 'put') storage.index.putSync(key, idBytes);
      else storage.index.removeSync(key);
    }
  }
  return metaChanged;
}
