// Runs a plan: reads candidate documents lazily from lmdb, tests them with mingo, and applies
// sort/skip/limit/projection. When the plan already yields documents in the requested order the
// whole pipeline streams, so "latest 50" reads about 50 documents.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { decodeExact, decodeForQuery, encodeDocument } from './bson-values.js';
import type { CollectionMeta } from './catalog.js';
import { nearRows } from './geo/near-exec.js';
import { geoQueryOptions } from './geo/query-ops.js';
import { docKey, valuesAtPath } from './index-manager.js';
import { encodeValue, u32 } from './index-keys.js';
import { planQuery, type Plan } from './query-planner.js';
import type { Storage } from './storage.js';
import { stats } from './stats.js';

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
  const query = Object.keys(filter).length > 0 ? new Query(filter, geoQueryOptions) : undefined;
  for (const raw of readPlan(storage, meta, plan)) {
    stats.docsExamined++;
    const doc = decodeForQuery(raw);
    if (!query || query.test(doc)) yield { raw, doc };
  }
}

function sortKey(doc: Document, field: string, dir: number): Buffer {
  const { values, array } = valuesAtPath(doc, field);
  if (!array || values.length === 1) return encodeValue(values[0]);
  // Arrays sort by their smallest element ascending and by their largest descending
  // (valuesAtPath gives at least one value, so reduce has a start).
  return values.map(encodeValue).reduce((best, e) => (Buffer.compare(e, best) * dir < 0 ? e : best));
}

export function sortRows(rows: Row[], sort: Document): Row[] {
  const spec = Object.entries(sort)
    .filter(([, d]) => typeof d === 'number')
    .map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as const);
  const keyed = rows.map((row) => ({ row, keys: spec.map(([f, d]) => sortKey(row.doc, f, d)) }));
  keyed.sort((a, b) => {
    for (const [i, [, dir]] of spec.entries()) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- both rows have one key per spec entry
      const c = Buffer.compare(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return c * dir;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}

/** Matching rows after sort/skip/limit (no projection). */
export function* findRows(storage: Storage, meta: CollectionMeta | undefined, spec: FindSpec): Generator<Row> {
  if (!meta) return;
  const sort = spec.sort && Object.keys(spec.sort).length > 0 ? spec.sort : undefined;
  // $near / $nearSphere: the rows passing the rest of the filter, nearest first (an explicit sort wins).
  const near = nearRows(meta, spec.filter, (rest) =>
    matchingRows(storage, meta, rest, planQuery(meta, rest, undefined)),
  );
  const plan = near ? undefined : planQuery(meta, spec.filter, sort);
  let rows: Iterable<Row> = near ?? (plan ? matchingRows(storage, meta, spec.filter, plan) : []);
  if (sort && !plan?.sortCovered) rows = sortRows([...rows], sort);
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

/** Applies a projection to exact-typed values, so projected numbers keep their BSON types. */
export function project(raw: Buffer, projection: Document): Buffer {
  const exact = decodeExact(raw);
  const out = new Query({}).find([exact], projection).next() as Document | undefined;
  return encodeDocument(out ?? {});
}

/** Output documents (BSON bytes) for a find. */
export function* findOutput(storage: Storage, meta: CollectionMeta | undefined, spec: FindSpec): Generator<Buffer> {
  const projection = spec.projection;
  for (const row of findRows(storage, meta, spec)) {
    yield hasProjection(projection) ? project(row.raw, projection) : row.raw;
  }
}
