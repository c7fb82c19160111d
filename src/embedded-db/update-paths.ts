// Update-modifier rewrites done before mingo sees the update, for rules where mingo and MongoDB
// differ:
// - `a.$.b` is resolved to `a.<index>.b` from the filter, and `a.$[e].b` / `a.$[].b` to the paths
//   of the elements they select, so two fields under the same element (`a.$.x`, `a.$.y`) are not
//   taken for a conflict at `a`;
// - `$set`/`$setOnInsert` of `$`-prefixed field names is allowed when the upsert inserts
//   (MongoDB 5+ validates an upsert insert like an insert), and applied here;
// - `$pull` with a logical condition (`{$or: [...]}`) is a query on each element, not on the
//   element's value; applied here;
// - `$set` of BinData is applied here: mingo compares BinData by content only and would skip a
//   change of subtype;
// - creating a field inside an array or a scalar (`{$set: {'arr.x': 1}}`) fails with
//   PathNotViable (28) as in MongoDB, where mingo quietly does something else.
import { Binary, type Document } from 'bson';
import { Query } from 'mingo';
import { isPlainObject, toQueryForm, type TypeMap } from './bson-values.js';
import { CommandError } from './errors.js';
import { expandArrayPaths, resolvePositionalPath, valueAt } from './positional.js';

const LOGICAL = new Set(['$and', '$or', '$nor']);

export interface PreparedModifier {
  /** What mingo applies. */
  u: Document;
  /** Fields set here rather than by mingo: [path, value as sent]. */
  literals: [string, unknown][];
  /** `$pull` entries whose condition is a query on the elements: [path, condition (query form)]. */
  pulls: [string, Document][];
}

const isLogicalQuery = (v: unknown): v is Document =>
  isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => LOGICAL.has(k));

const CREATING_OPS = new Set([
  '$set',
  '$setOnInsert',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
]);

/** Throws PathNotViable when `path` would need a field inside an array or a scalar of `doc`. */
function checkViable(doc: Document, path: string): void {
  let cur: unknown = doc;
  const parts = path.split('.');
  for (const [i, p] of parts.entries()) {
    if (cur === undefined || cur === null) return;
    const viable = Array.isArray(cur) ? /^\d+$/.test(p) : typeof cur === 'object';
    if (!viable) {
      const holder = parts.slice(0, i).join('.');
      throw new CommandError(
        28,
        'PathNotViable',
        `Cannot create field '${p}' in element {${holder}: ${JSON.stringify(cur)}}`,
      );
    }
    cur = (cur as Record<string, unknown>)[p];
  }
}

const ARRAY_OPS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);
const NUMERIC_OPS = new Set(['$inc', '$mul']);

const isNumeric = (v: unknown) =>
  typeof v === 'number' ||
  (typeof v === 'object' &&
    v !== null &&
    '_bsontype' in v &&
    ['Long', 'Decimal128', 'Int32', 'Double'].includes(String(v._bsontype)));

/** Array operators need an array (or nothing) at the path, $inc/$mul a number: errors as MongoDB's. */
function checkOperand(doc: Document, op: string, path: string): void {
  const v = valueAt(doc, path);
  if (v === undefined || v === null) return;
  if (ARRAY_OPS.has(op) && !Array.isArray(v)) {
    throw new CommandError(2, 'BadValue', `The field '${path}' must be an array but is of type ${typeof v}`);
  }
  if (NUMERIC_OPS.has(op) && !isNumeric(v)) {
    throw new CommandError(
      14,
      'TypeMismatch',
      `Cannot apply ${op} to a value of non-numeric type. '${path}' has the field of non-numeric type ${typeof v}`,
    );
  }
}

const dollarField = (path: string) =>
  path.split('.').some((p) => p.startsWith('$') && p !== '$' && !p.startsWith('$['));

/** Splits and rewrites an operator update for `doc` (query form; the upsert seed on an insert). */
export function prepareModifier(
  u: Document,
  q: Document,
  doc: Document,
  upsert: boolean,
  arrayFilters: Document[] = [],
): PreparedModifier {
  const out: PreparedModifier = { u: {}, literals: [], pulls: [] };
  for (const [op, fields] of Object.entries<unknown>(u)) {
    if (!isPlainObject(fields)) {
      out.u[op] = fields;
      continue;
    }
    const kept: Document = {};
    for (const [path, val] of Object.entries(fields)) {
      if (upsert && (op === '$set' || op === '$setOnInsert') && dollarField(path)) {
        out.literals.push([path, val]);
        continue;
      }
      for (const resolved of expandArrayPaths(resolvePositionalPath(path, doc, q), doc, arrayFilters)) {
        if (CREATING_OPS.has(op)) checkViable(doc, resolved);
        checkOperand(doc, op, resolved);
        if (op === '$pull' && isLogicalQuery(val)) out.pulls.push([resolved, toQueryForm(val) as Document]);
        else if (op === '$set' && val instanceof Binary) out.literals.push([resolved, val]);
        else kept[resolved] = val;
      }
    }
    if (Object.keys(kept).length > 0 || Object.keys(fields).length === 0) out.u[op] = kept;
  }
  return out;
}

function parentOf(doc: Document, path: string): { parent: Record<string, unknown>; key: string } | undefined {
  const parts = path.split('.');
  const key = parts.pop();
  let cur: unknown = doc;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  if (key === undefined || cur === null || typeof cur !== 'object') return undefined;
  return { parent: cur as Record<string, unknown>, key };
}

/** Applies the parts mingo does not; returns whether the document changed. */
export function applyPrepared(doc: Document, prepared: PreparedModifier, types: TypeMap): boolean {
  let changed = false;
  for (const [path, condition] of prepared.pulls) {
    const at = parentOf(doc, path);
    const arr = at?.parent[at.key];
    if (!at || !Array.isArray(arr)) continue;
    const query = new Query(condition);
    const kept = arr.filter((el) => !(isPlainObject(el) && query.test(el)));
    if (kept.length !== arr.length) {
      at.parent[at.key] = kept;
      for (const t of [...types.keys()]) if (t === path || t.startsWith(`${path}.`)) types.delete(t);
      changed = true;
    }
  }
  for (const [path, val] of prepared.literals) {
    const parts = path.split('.');
    const last = parts.pop() ?? path;
    let cur: Record<string, unknown> = doc;
    for (const p of parts) {
      const next = cur[p];
      if (next === null || typeof next !== 'object') cur[p] = {};
      cur = cur[p] as Record<string, unknown>;
    }
    cur[last] = toQueryForm(val, types, path);
    changed = true;
  }
  return changed;
}
