// Applies one update statement (operators, replacement or pipeline) to a document with mingo,
// fixing what mingo lacks: $setOnInsert, upsert seeding from the filter, _id immutability and
// BSON numeric types.
import { ObjectId, type Document } from 'bson';
import { update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo';
import {
  decodeForUpdate,
  encodeDocument,
  isPlainObject,
  restoreTypes,
  toQueryForm,
  type TypeMap,
} from './bson-values.js';
import { compareValues } from './index-keys.js';
import { CommandError, failedToParse } from './errors.js';
import { applyPrepared, prepareModifier } from './update-paths.js';

export interface UpdateStatement {
  /** Filter, query form. */
  q: Document;
  /** The update exactly as sent (non-promoted BSON values). */
  u: unknown;
  arrayFilters?: Document[];
}

export interface Applied {
  doc: Document;
  bytes: Buffer;
  changed: boolean;
}

export function isReplacement(u: unknown): u is Document {
  return isPlainObject(u) && !Object.keys(u).some((k) => k.startsWith('$'));
}

const RESETTING_OPS = new Set([
  '$set',
  '$setOnInsert',
  '$unset',
  '$rename',
  '$push',
  '$addToSet',
  '$pull',
  '$pop',
  '$pullAll',
  '$currentDate',
]);

interface Modifier {
  ops: Document;
  /** `_id` set by $set/$setOnInsert; mingo refuses to touch _id, so it is applied here. */
  setId?: { v: unknown };
}

function modifierQueryForm(u: Document, types: TypeMap, upsert: boolean): Modifier {
  const out: Document = {};
  let setId: { v: unknown } | undefined;
  for (const [op, fields] of Object.entries(u)) {
    if (!isPlainObject(fields))
      throw failedToParse(`Modifiers operate on fields but we found type ${typeof fields} instead`);
    if (op === '$setOnInsert' && !upsert) continue;
    const target = op === '$setOnInsert' ? '$set' : op;
    const conv: Document = (out[target] as Document | undefined) ?? {};
    for (const [path, val] of Object.entries(fields)) {
      if (path === '_id' && target === '$set') {
        setId = { v: toQueryForm(val) };
        continue;
      }
      if (RESETTING_OPS.has(op)) {
        for (const p of [...types.keys()]) if (p === path || p.startsWith(`${path}.`)) types.delete(p);
      }
      conv[path] = toQueryForm(
        val,
        op === '$set' || op === '$setOnInsert' || op === '$inc' || op === '$mul' || op === '$min' || op === '$max'
          ? types
          : undefined,
        path,
      );
    }
    if (Object.keys(conv).length > 0) out[target] = conv;
  }
  return { ops: out, setId };
}

/** Document an upsert starts from: the filter's equality fields. */
export function upsertSeed(q: Document): Document {
  const seed: Document = {};
  const add = (filter: Document) => {
    for (const [k, v] of Object.entries<unknown>(filter)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((f) => isPlainObject(f) && add(f));
      if (k.startsWith('$')) continue;
      let value = v;
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if (!('$eq' in v)) continue;
        value = v.$eq;
      }
      setPath(seed, k, value);
    }
  };
  add(q);
  return seed;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop();
  let cur: Document = doc;
  for (const p of parts) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Document;
  }
  if (last !== undefined) cur[last] = value;
}

function immutableId(): CommandError {
  return new CommandError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

/** Applies `st` to a stored document (oldRaw) or, for an upsert insert, to the seed (oldRaw undefined). */
export function applyUpdate(st: UpdateStatement, oldRaw: Buffer | undefined): Applied {
  const { doc: start, types } = oldRaw
    ? decodeForUpdate(oldRaw)
    : { doc: upsertSeed(st.q), types: new Map() as TypeMap };
  const upsert = oldRaw === undefined;
  const oldId: unknown = start._id;
  let doc: Document;
  let changed = true;
  if (Array.isArray(st.u)) {
    const docs = [start];
    mingoUpdateOne(docs, {}, toQueryForm(st.u) as never);
    doc = docs[0] ?? start;
  } else if (isReplacement(st.u)) {
    types.clear();
    const repl = toQueryForm(st.u, types) as Document;
    doc = oldId !== undefined && repl._id === undefined ? { _id: oldId, ...repl } : repl;
  } else if (isPlainObject(st.u)) {
    const prepared = prepareModifier(st.u, st.q, start, upsert, st.arrayFilters);
    const mod = modifierQueryForm(prepared.u, types, upsert);
    doc = start;
    changed = false;
    if (mod.setId) {
      if (oldId !== undefined && compareValues(mod.setId.v, oldId) !== 0 && !upsert) throw immutableId();
      doc._id = mod.setId.v;
    }
    if (Object.keys(mod.ops).length > 0) {
      const fields = mingoUpdate(doc, mod.ops as never, st.arrayFilters, upsert ? undefined : st.q, {
        cloneMode: 'none',
      });
      changed = fields.length > 0;
    }
    if (applyPrepared(doc, prepared, types)) changed = true;
  } else {
    throw failedToParse('Update argument must be either an object or an array');
  }
  if (oldId !== undefined && (doc._id === undefined || compareValues(doc._id, oldId) !== 0)) {
    if (!upsert) throw immutableId();
  }
  if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
  const bytes = encodeDocument(restoreTypes(doc, types));
  if (oldRaw && changed && bytes.equals(oldRaw)) changed = false;
  if (oldRaw && !changed) return { doc, bytes: oldRaw, changed: false };
  return { doc, bytes, changed };
}
