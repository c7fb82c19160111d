// Query operators replacing mingo's where MongoDB's rules differ. Filters run on "query form"
// documents (plain numbers), so `$type` looks the tested document's exact BSON types up through
// `rememberExact` (set by the scan for each document it tests).
import { Binary, deserialize, ObjectId, type Document } from 'bson';
import { Context } from 'mingo';
import * as mingoExpressionOps from 'mingo/operators/expression';
import * as mingoQueryOps from 'mingo/operators/query';
import { Query as QueryBase } from 'mingo/query';
import { isEqual } from 'mingo/util';
import { geoQueryOps } from './geo/query-ops.js';
import { compareValues, typeTag } from './index-keys.js';

type Predicate = (o: unknown) => boolean;
type QueryOp = (selector: string, value: unknown, options: unknown) => Predicate;
const original = mingoQueryOps as unknown as Record<string, QueryOp>;
const base = (name: string): QueryOp => {
  const op = original[name];
  if (!op) throw new Error(`mingo has no query operator ${name}`);
  return op;
};

/**
 * The document a scan is testing now, with its stored bytes: a scan tests one document at a time,
 * synchronously, so one slot is enough (a WeakMap entry per document scanned made every
 * scavenge in the database's thread slower).
 */
let tested: { doc: object; raw: Uint8Array; exact?: Document } | undefined;

/** Records the stored bytes of a query-form document so `$type` can see its exact BSON types. */
export function rememberExact(doc: object, raw: Uint8Array): void {
  tested = { doc, raw };
}

function exactDoc(o: unknown): Document | undefined {
  const now = tested;
  if (!now || now.doc !== o) return undefined;
  return (now.exact ??= deserialize(now.raw, { promoteValues: false, promoteBuffers: false, bsonRegExp: false }));
}

/** Values at a dotted path, descending into arrays of documents as MongoDB does. */
function valuesAt(cur: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return [cur];
  if (cur === null || typeof cur !== 'object') return [];
  const [head = '', ...rest] = parts;
  if (Array.isArray(cur)) {
    const out: unknown[] = /^\d+$/.test(head) ? valuesAt(cur[Number(head)], rest) : [];
    for (const el of cur)
      if (el !== null && typeof el === 'object' && !Array.isArray(el)) out.push(...valuesAt(el, parts));
    return out;
  }
  return valuesAt((cur as Record<string, unknown>)[head], rest);
}

const BSON_TYPE_NAMES: Record<string, string> = {
  Double: 'double',
  Int32: 'int',
  Long: 'long',
  Decimal128: 'decimal',
  ObjectId: 'objectId',
  Binary: 'binData',
  Timestamp: 'timestamp',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  Code: 'javascript',
  BSONRegExp: 'regex',
  BSONSymbol: 'symbol',
  DBRef: 'object',
};
const TYPE_NUMBERS: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

function bsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
  if (typeof v === 'bigint') return 'long';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'binData';
  const t = (v as { _bsontype?: string })._bsontype;
  return (t && BSON_TYPE_NAMES[t]) ?? 'object';
}

function typeMatches(v: unknown, wanted: unknown): boolean {
  const name = typeof wanted === 'number' ? TYPE_NUMBERS[wanted] : String(wanted);
  const actual = bsonTypeName(v);
  if (name === 'number') return ['double', 'int', 'long', 'decimal'].includes(actual);
  return actual === name;
}

const $type: QueryOp = (selector, value) => {
  const wanted = Array.isArray(value) ? (value as unknown[]) : [value];
  const parts = selector.split('.');
  return (o) => {
    const values = valuesAt(exactDoc(o) ?? o, parts);
    return values.some(
      (v) =>
        wanted.some((w) => typeMatches(v, w)) ||
        (Array.isArray(v) && v.some((el) => wanted.some((w) => typeMatches(el, w)))),
    );
  };
};

/** `{a: {$all: [x]}}` also matches a scalar `a` equal to every x. */
const $all: QueryOp = (selector, value, options) => {
  const arrayForm = base('$all')(selector, value, options);
  const wanted = Array.isArray(value) ? (value as unknown[]) : [];
  const parts = selector.split('.');
  return (o) =>
    arrayForm(o) ||
    (wanted.length > 0 &&
      valuesAt(o, parts).some(
        (v) =>
          !Array.isArray(v) &&
          wanted.every((w) => (w instanceof RegExp ? typeof v === 'string' && w.test(v) : isEqual(v, w))),
      ));
};

/** Range operators on BSON objects (BinData, ObjectId, Timestamp…) in MongoDB's order. */
function range(name: string, ok: (c: number) => boolean): QueryOp {
  return (selector, value, options) => {
    if (value === null || typeof value !== 'object' || !('_bsontype' in value))
      return base(name)(selector, value, options);
    const parts = selector.split('.');
    const tag = typeTag(value);
    return (o) =>
      valuesAt(o, parts)
        .flatMap((v) => (Array.isArray(v) ? [v, ...(v as unknown[])] : [v]))
        .some((v) => typeTag(v) === tag && ok(compareValues(v, value)));
  };
}

/** Whether a value at `parts` (or an element of an array there) is one of `ids`. */
function holdsObjectId(o: unknown, parts: string[], ids: ObjectId[]): boolean {
  const isOne = (v: unknown) => v instanceof ObjectId && ids.some((id) => id.equals(v));
  for (const v of valuesAt(o, parts)) if (isOne(v) || (Array.isArray(v) && v.some(isOne))) return true;
  return false;
}

/**
 * Equality with ObjectIds by their value: mingo compares two objects of one class through their
 * strings, so every `{room: id}` or `{_id: id}` test made two hex strings (a third of a page
 * read's filtering in the database). Other values keep mingo's rules.
 */
const $eq: QueryOp = (selector, value, options) => {
  if (!(value instanceof ObjectId)) return base('$eq')(selector, value, options);
  const parts = selector.split('.');
  const ids = [value];
  return (o) => holdsObjectId(o, parts, ids);
};

/** `$in` with the ObjectIds in its list compared by value, the rest by mingo's rules. */
const $in: QueryOp = (selector, value, options) => {
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  const ids = list.filter((v): v is ObjectId => v instanceof ObjectId);
  if (ids.length === 0) return base('$in')(selector, value, options);
  const rest = list.filter((v) => !(v instanceof ObjectId));
  const others = rest.length > 0 ? base('$in')(selector, rest, options) : () => false;
  const parts = selector.split('.');
  return (o) => holdsObjectId(o, parts, ids) || others(o);
};

const not =
  (op: QueryOp): QueryOp =>
  (selector, value, options) => {
    const test = op(selector, value, options);
    return (o) => !test(o);
  };

/** Bit tests on BinData (bit 0 is the low bit of the first byte), e.g. UUIDs. */
function bits(name: string, all: boolean, set: boolean): QueryOp {
  return (selector, value, options) => {
    const fallback = base(name)(selector, value, options);
    const positions = Array.isArray(value)
      ? (value as number[])
      : [...Array(53).keys()].filter((i) => typeof value === 'number' && Math.floor(value / 2 ** i) % 2 === 1);
    const parts = selector.split('.');
    return (o) => {
      const values = valuesAt(o, parts);
      const bin = values.find((v): v is Binary => v instanceof Binary);
      if (!bin) return fallback(o);
      const bytes = bin.buffer.subarray(0, bin.position);
      const isSet = (i: number) => ((bytes[Math.floor(i / 8)] ?? 0) & (1 << (i % 8))) !== 0;
      const test = (i: number) => isSet(i) === set;
      return all ? positions.every(test) : positions.some(test);
    };
  };
}

/** mingo's query operators with the MongoDB-faithful replacements above. */
const queryContext = Context.init({
  expression: mingoExpressionOps,
  query: {
    ...original,
    ...geoQueryOps,
    $type,
    $all,
    $eq,
    $ne: not($eq),
    $in,
    $nin: not($in),
    $gt: range('$gt', (c) => c > 0),
    $gte: range('$gte', (c) => c >= 0),
    $lt: range('$lt', (c) => c < 0),
    $lte: range('$lte', (c) => c <= 0),
    $bitsAllSet: bits('$bitsAllSet', true, true),
    $bitsAnySet: bits('$bitsAnySet', false, true),
    $bitsAllClear: bits('$bitsAllClear', true, false),
    $bitsAnyClear: bits('$bitsAnyClear', false, false),
  },
});

/**
 * A mingo Query using the operators above. (mingo's own `Query` merges a given context *under*
 * its built-in operators, so replacements would be ignored; its base class takes the context as is.)
 */
export function newQuery(filter: Document): QueryBase {
  return new QueryBase(filter, { context: queryContext });
}
