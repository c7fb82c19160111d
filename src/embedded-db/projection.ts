// find/findAndModify projection. Plain inclusion/exclusion (and `$meta`) go to mingo on
// exact-typed values; the array operators are applied here with MongoDB's rules, where mingo's
// differ:
// - `{a: {$slice: n}}` does not make a projection an inclusion one: alone (or with exclusions)
//   every other field is returned;
// - `{a: {$elemMatch: {$gte: 5}}}` may test scalar elements with operators;
// - `{'a.$': 1}` returns the element matched by the query's condition on `a`.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { decodeExact, decodeForQuery, encodeDocument, isPlainObject } from './bson-values.js';
import { positionalIndex } from './positional.js';

interface ArrayOps {
  slices: [string, unknown][];
  elemMatches: [string, unknown][];
  positional: string[];
  /** What mingo applies. */
  base: Document;
}

function split(projection: Document): ArrayOps {
  const ops: ArrayOps = { slices: [], elemMatches: [], positional: [], base: {} };
  let inclusion = false;
  for (const [k, v] of Object.entries<unknown>(projection)) {
    if (isPlainObject(v) && '$slice' in v) ops.slices.push([k, v.$slice]);
    else if (isPlainObject(v) && '$elemMatch' in v) ops.elemMatches.push([k, v.$elemMatch]);
    else if (k.endsWith('.$')) ops.positional.push(k.slice(0, -2));
    else {
      ops.base[k] = v;
      if (k !== '_id' && !isPlainObject(v) && Boolean(v)) inclusion = true;
    }
  }
  if (inclusion || ops.elemMatches.length > 0 || ops.positional.length > 0) {
    for (const [k] of [...ops.slices, ...ops.elemMatches]) ops.base[k] = 1;
    for (const k of ops.positional) ops.base[k] = 1;
  }
  return ops;
}

function holderOf(doc: Document, path: string): { obj: Record<string, unknown>; key: string } | undefined {
  const parts = path.split('.');
  const key = parts.pop() ?? path;
  let cur: unknown = doc;
  for (const p of parts) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return isPlainObject(cur) ? { obj: cur, key } : undefined;
}

function sliced(arr: unknown[], spec: unknown): unknown[] {
  const num = (v: unknown) => Number(v);
  if (Array.isArray(spec)) {
    const [skipRaw, limitRaw] = spec as unknown[];
    let skip = num(skipRaw);
    if (skip < 0) skip = Math.max(0, arr.length + skip);
    return arr.slice(skip, skip + Math.max(0, num(limitRaw)));
  }
  const n = num(spec);
  return n < 0 ? arr.slice(Math.max(0, arr.length + n)) : arr.slice(0, n);
}

/** Applies a projection to a stored document, keeping BSON types; `filter` serves `a.$`. */
export function project(raw: Buffer, projection: Document, filter: Document = {}): Buffer {
  const exact = decodeExact(raw);
  const ops = split(projection);
  const out = (new Query({}).find([exact], ops.base).next() as Document | undefined) ?? {};
  if (ops.elemMatches.length > 0 || ops.positional.length > 0) {
    const queryForm = decodeForQuery(raw);
    for (const [field, cond] of ops.elemMatches) {
      const arr: unknown = queryForm[field];
      const query = new Query({ [field]: { $elemMatch: cond } });
      const i = Array.isArray(arr) ? arr.findIndex((el) => query.test({ [field]: [el] })) : -1;
      const exactArr: unknown = exact[field];
      if (i >= 0 && Array.isArray(exactArr)) out[field] = [exactArr[i]];
      else Reflect.deleteProperty(out, field);
    }
    for (const path of ops.positional) {
      const i = positionalIndex(queryForm, path, filter);
      const at = holderOf(out, path);
      const arr = at?.obj[at.key];
      if (at && Array.isArray(arr)) {
        if (i >= 0 && i < arr.length) at.obj[at.key] = [arr[i]];
        else Reflect.deleteProperty(at.obj, at.key);
      }
    }
  }
  for (const [path, spec] of ops.slices) {
    const at = holderOf(out, path);
    const arr = at?.obj[at.key];
    if (at && Array.isArray(arr)) at.obj[at.key] = sliced(arr, spec);
  }
  return encodeDocument(out);
}
