// Picks how to read candidate documents for a filter (+ sort): point lookups by _id, a key range
// in one index, or a scan of the collection's _id-ordered keyspace. The planner only narrows;
// every candidate is still tested against the full filter, so a loose range is never wrong.
import type { Document } from 'bson';
import { isPlainObject } from './bson-values.js';
import type { CollectionMeta, IndexSpec } from './catalog.js';
import { encodeComponent, typeTag, TAG, u32 } from './index-keys.js';
import { prefixRange, type KeyRange } from './storage.js';

interface Bound {
  v: unknown;
  inc: boolean;
}

interface FieldCond {
  eq?: { v: unknown };
  in?: unknown[];
  lo?: Bound;
  hi?: Bound;
}

export type Plan =
  | { kind: 'ids'; ids: unknown[]; sortCovered: boolean }
  | { kind: 'docs'; range: KeyRange; reverse: boolean; sortCovered: boolean }
  | { kind: 'index'; index: IndexSpec; ranges: KeyRange[]; reverse: boolean; sortCovered: boolean; dedupe: boolean };

const ID_INDEX: IndexSpec = {
  id: -1,
  name: '_id_',
  key: [['_id', 1]],
  keyDoc: { _id: 1 },
  unique: true,
  sparse: false,
  special: false,
  multikey: false,
  extra: {},
};

/** Values that index equality can serve exactly (null/regex/arrays/objects have looser semantics). */
function indexableScalar(v: unknown): boolean {
  const tag = typeTag(v);
  return (
    (tag === TAG.number || tag === TAG.string || tag === TAG.boolean || tag === TAG.date || tag === TAG.objectId) &&
    !(typeof v === 'object' && v !== null && (v as { _bsontype?: string })._bsontype === 'Code')
  );
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));
}

function addConds(filter: Document, conds: Map<string, FieldCond>): void {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) addConds(sub, conds);
      continue;
    }
    if (field.startsWith('$')) continue;
    const c = conds.get(field) ?? {};
    conds.set(field, c);
    if (!isOperatorObject(value)) {
      if (indexableScalar(value)) c.eq = { v: value };
      continue;
    }
    for (const [op, arg] of Object.entries(value)) {
      if (op === '$eq' && indexableScalar(arg)) c.eq = { v: arg };
      else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(indexableScalar)) c.in = arg;
      else if ((op === '$gt' || op === '$gte') && indexableScalar(arg)) c.lo = { v: arg, inc: op === '$gte' };
      else if ((op === '$lt' || op === '$lte') && indexableScalar(arg)) c.hi = { v: arg, inc: op === '$lte' };
    }
  }
}

const FF = Buffer.from([0xff]);

/** Byte interval of one key component for a range condition, within the bound's type bracket. */
function componentInterval(c: FieldCond, dir: 1 | -1): KeyRange | undefined {
  const tag = c.lo ? typeTag(c.lo.v) : c.hi ? typeTag(c.hi.v) : undefined;
  if (tag === undefined) return undefined;
  if (c.lo && c.hi && typeTag(c.hi.v) !== tag) return undefined;
  const enc = (v: unknown) => encodeComponent(v, dir);
  if (dir === 1) {
    const start = c.lo ? (c.lo.inc ? enc(c.lo.v) : Buffer.concat([enc(c.lo.v), FF])) : Buffer.from([tag]);
    const end = c.hi ? (c.hi.inc ? Buffer.concat([enc(c.hi.v), FF]) : enc(c.hi.v)) : Buffer.from([tag + 1]);
    return { start, end };
  }
  const inv = 0xff - tag;
  const start = c.hi ? (c.hi.inc ? enc(c.hi.v) : Buffer.concat([enc(c.hi.v), FF])) : Buffer.from([inv]);
  const end = c.lo ? (c.lo.inc ? Buffer.concat([enc(c.lo.v), FF]) : enc(c.lo.v)) : Buffer.from([inv + 1]);
  return { start, end };
}

/**
 * On a multikey index each bound may be met by a different array element ({a: [1, 10]} matches
 * {a: {$gt: 3, $lt: 5}} but has no key inside (3, 5)), so the bounds must not be intersected: scan
 * by one of them and let the filter, re-applied to every fetched document, check the other.
 */
function oneBound(c: FieldCond): FieldCond {
  return c.lo ? { lo: c.lo } : { hi: c.hi };
}

interface Candidate {
  score: number;
  plan: Plan;
}

function sortDirection(
  index: IndexSpec,
  from: number,
  sort: Array<[string, number]>,
): 'forward' | 'reverse' | undefined {
  if (sort.length === 0) return 'forward';
  if (index.multikey) return undefined;
  let dir: 'forward' | 'reverse' | undefined;
  for (const [i, [field, want]] of sort.entries()) {
    const k = index.key[from + i];
    if (!k || k[0] !== field) return undefined;
    const d = k[1] === want ? 'forward' : 'reverse';
    if (dir && dir !== d) return undefined;
    dir = d;
  }
  return dir;
}

function planIndex(
  meta: CollectionMeta,
  index: IndexSpec,
  conds: Map<string, FieldCond>,
  sort: Array<[string, number]>,
): Candidate | undefined {
  const parts: Buffer[] = [index.id === -1 ? u32(meta.id) : u32(index.id)];
  let n = 0;
  for (const [field, dir] of index.key) {
    const c = conds.get(field);
    if (!c?.eq) break;
    parts.push(encodeComponent(c.eq.v, dir));
    n++;
  }
  const eqFields = new Set(index.key.slice(0, n).map(([f]) => f));
  const restSort = sort.filter(([f]) => !eqFields.has(f));
  const prefix = Buffer.concat(parts);
  let ranges: KeyRange[] = [prefixRange(prefix)];
  let score = n * 10;
  let sortable = true;
  const next = index.key[n];
  const nextCond = next ? conds.get(next[0]) : undefined;
  if (next && nextCond?.in) {
    ranges = nextCond.in.map((v) => prefixRange(Buffer.concat([prefix, encodeComponent(v, next[1])])));
    score += 6;
    sortable = nextCond.in.length === 1;
  } else if (next && nextCond && (nextCond.lo || nextCond.hi)) {
    const iv = componentInterval(index.multikey ? oneBound(nextCond) : nextCond, next[1]);
    if (iv) {
      ranges = [{ start: Buffer.concat([prefix, iv.start]), end: Buffer.concat([prefix, iv.end]) }];
      score += 5;
    }
  }
  const direction = sortable ? sortDirection(index, n, restSort) : undefined;
  if (direction && restSort.length > 0) score += 3;
  if (score === 0) return undefined;
  if (index.unique && n === index.key.length) score += 20;
  const sortCovered = direction !== undefined;
  const reverse = direction === 'reverse';
  if (index.id === -1) {
    const c = conds.get('_id');
    if (c?.eq) return { score, plan: { kind: 'ids', ids: [c.eq.v], sortCovered: true } };
    if (c?.in) return { score, plan: { kind: 'ids', ids: c.in, sortCovered: c.in.length === 1 } };
    return { score, plan: { kind: 'docs', range: ranges[0] ?? prefixRange(prefix), reverse, sortCovered } };
  }
  return {
    score,
    plan: { kind: 'index', index, ranges, reverse, sortCovered, dedupe: index.multikey || ranges.length > 1 },
  };
}

export function planQuery(meta: CollectionMeta, filter: Document, sortDoc: Document | undefined): Plan {
  const conds = new Map<string, FieldCond>();
  addConds(filter, conds);
  const sort = Object.entries(sortDoc ?? {}).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as [string, number]);
  let best: Candidate | undefined;
  for (const index of [ID_INDEX, ...meta.indexes]) {
    if (index.special || index.sparse || index.partialFilterExpression) continue;
    const c = planIndex(meta, index, conds, sort);
    if (c && (!best || c.score > best.score)) best = c;
  }
  if (best) return best.plan;
  const only = sort.length === 1 ? sort[0] : undefined;
  const idOnly = only?.[0] === '_id';
  return {
    kind: 'docs',
    range: prefixRange(u32(meta.id)),
    reverse: idOnly && only[1] === -1,
    sortCovered: sort.length === 0 || idOnly,
  };
}
