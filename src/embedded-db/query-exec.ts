// Runs a plan: reads candidate documents lazily from lmdb, tests them with mingo, and applies
// sort/skip/limit/projection. When the plan already yields documents in the requested order the
// whole pipeline streams, so "latest 50" reads about 50 documents.
import type { Document } from 'bson';
import { decodeForQuery } from './bson-values.js';
import type { CollectionMeta } from './catalog.js';
import { nearRows } from './geo/near-exec.js';
import { docKey, valuesAtPath } from './index-manager.js';
import { encodeValue, u32 } from './index-keys.js';
import { activeCollation, collateFilter, stringComparator, type Collation } from './collation.js';
import { project } from './projection.js';
import { newQuery, rememberExact } from './query-operators.js';
import { planQuery, type Plan } from './query-planner.js';
import type { Storage } from './storage.js';
import { refuseServerJsInFilter } from './server-js-refusal.js';
import { stats } from './stats.js';
import {
  addScoreFields,
  hasText,
  noTextScore,
  sortWithScore,
  splitProjection,
  textScoreOf,
  textSearchFor,
} from './text/text-search.js';

export interface Row {
  raw: Buffer;
  doc: Document;
}

export interface FindSpec {
  filter: Document;
  sort?: Document;
  skip?: number;
  /** 0 = no limit. */
  limit?: number;
  projection?: Document;
  /** The command's `collation` option, if any (the collection's default applies otherwise). */
  collation?: unknown;
}

function* readPlan(storage: Storage, meta: CollectionMeta, plan: Plan): Generator<Buffer> {
  if (plan.kind === 'ids') {
    for (const id of plan.ids) {
      const raw = storage.docs.get(docKey(meta, id));
      if (raw) yield raw;
    }
    return;
  }
  if (plan.kind === 'docs') {
    const { start, end } = plan.range;
    const opts = plan.reverse ? { start: end, end: start, reverse: true, exclusiveStart: true } : { start, end };
    for (const { value } of storage.docs.getRange(opts)) yield value;
    return;
  }
  const seen = plan.dedupe ? new Set<string>() : undefined;
  const collPrefix = u32(meta.id);
  for (const { start, end } of plan.ranges) {
    const opts = plan.reverse ? { start: end, end: start, reverse: true, exclusiveStart: true } : { start, end };
    for (const { value } of storage.index.getRange(opts)) {
      stats.keysExamined++;
      if (seen) {
        const k = value.toString('latin1');
        if (seen.has(k)) continue;
        seen.add(k);
      }
      const raw = storage.docs.get(Buffer.concat([collPrefix, value]));
      if (raw) yield raw;
    }
  }
}

/** Candidate rows that match `filter`, in plan order. */
export function* matchingRows(storage: Storage, meta: CollectionMeta, filter: Document, plan: Plan): Generator<Row> {
  const query = Object.keys(filter).length > 0 ? newQuery(filter) : undefined;
  for (const raw of readPlan(storage, meta, plan)) {
    stats.docsExamined++;
    const doc = decodeForQuery(raw);
    rememberExact(doc, raw);
    if (!query || query.test(doc)) yield { raw, doc };
  }
}

type SortKey = [Buffer, unknown];

function sortKey(doc: Document, field: string, dir: number): SortKey {
  const { values, array } = valuesAtPath(doc, field);
  if (!array || values.length === 1) return [encodeValue(values[0]), values[0]];
  // Arrays sort by their smallest element ascending and by their largest descending
  // (valuesAtPath gives at least one value, so reduce has a start).
  return values
    .map((v): SortKey => [encodeValue(v), v])
    .reduce((best, e) => (Buffer.compare(e[0], best[0]) * dir < 0 ? e : best));
}

export function sortRows(rows: Row[], sort: Document, collation?: Collation): Row[] {
  const spec = Object.entries(sort)
    .filter(([, d]) => typeof d === 'number')
    .map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as const);
  const strings = collation ? stringComparator(collation) : undefined;
  const compare = (a: SortKey, b: SortKey) =>
    strings && typeof a[1] === 'string' && typeof b[1] === 'string' ? strings(a[1], b[1]) : Buffer.compare(a[0], b[0]);
  const keyed = rows.map((row) => ({ row, keys: spec.map(([f, d]) => sortKey(row.doc, f, d)) }));
  keyed.sort((a, b) => {
    for (const [i, [, dir]] of spec.entries()) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- both rows have one key per spec entry
      const c = compare(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return c * dir;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}

/** Matching rows after sort/skip/limit (no projection). */
export function* findRows(storage: Storage, meta: CollectionMeta | undefined, spec: FindSpec): Generator<Row> {
  refuseServerJsInFilter(spec.filter);
  if (!meta) {
    // Still parse the filter: a bad operator is an error even on a missing collection ($text
    // needs an index to be planned, and a missing collection has none to look for: nothing).
    if (Object.keys(spec.filter).length > 0 && !hasText(spec.filter)) newQuery(spec.filter);
    return;
  }
  const sort = spec.sort && Object.keys(spec.sort).length > 0 ? spec.sort : undefined;
  const collation = activeCollation(spec.collation, meta.options);
  const text = textSearchFor(meta, spec.filter);
  const base = text ? text.rest : spec.filter;
  const filter = collation ? collateFilter(base, collation) : base;
  // $near / $nearSphere: the rows passing the rest of the filter, nearest first (an explicit sort wins).
  const near = nearRows(meta, filter, (rest) => matchingRows(storage, meta, rest, planQuery(meta, rest, undefined)));
  const plan = near ? undefined : planQuery(meta, filter, text ? undefined : sort);
  let rows: Iterable<Row> = near ?? (plan ? matchingRows(storage, meta, filter, plan) : []);
  if (text) rows = text.filterRows(rows);
  if (text && sort) rows = sortWithScore([...rows], sort, sortRows);
  else if (sort && (!plan?.sortCovered || collation)) rows = sortRows([...rows], sort, collation);
  let skip = spec.skip ?? 0;
  let left = spec.limit && spec.limit > 0 ? spec.limit : Infinity;
  if (left === 0) return;
  for (const row of rows) {
    if (skip > 0) {
      skip--;
      continue;
    }
    yield row;
    if (--left <= 0) return;
  }
}

export function hasProjection(projection: Document | undefined): projection is Document {
  return projection !== undefined && Object.keys(projection).length > 0;
}

/** Output documents (BSON bytes) for a find. */
export function* findOutput(storage: Storage, meta: CollectionMeta | undefined, spec: FindSpec): Generator<Buffer> {
  const { rest: projection, scoreFields } = splitProjection(spec.projection ?? {});
  for (const row of findRows(storage, meta, spec)) {
    const out = hasProjection(projection) ? project(row.raw, projection, spec.filter) : row.raw;
    if (scoreFields.length === 0) yield out;
    else if (!hasText(spec.filter)) throw noTextScore();
    else yield addScoreFields(out, scoreFields, textScoreOf(row.doc));
  }
}
