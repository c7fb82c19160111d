// What query execution needs for $text: the rows that match (with their scores remembered), a
// sort that understands {$meta: 'textScore'}, and projections that add the score.
import { Double, type Document } from 'bson';
import { decodeExact, encodeDocument, isPlainObject } from '../bson-values.js';
import type { CollectionMeta } from '../catalog.js';
import { CommandError } from '../errors.js';
import { checkPrefixEquality, countText, extractText } from './text-filter.js';
import { isTextIndex, textOptions } from './text-index-spec.js';
import { parseTextQuery } from './text-query.js';
import { scoreDocument } from './text-score.js';

/** Field that carries the score through in-memory sorts and aggregation stages, removed on output. */
export const SCORE_FIELD = '__embeddedDbTextScore';

const scores = new WeakMap<Document, number>();

export function textScoreOf(doc: Document): number {
  return scores.get(doc) ?? 0;
}

export const hasText = (filter: Document): boolean => countText(filter) > 0;

export const isScoreMeta = (v: unknown): boolean => isPlainObject(v) && v.$meta === 'textScore';

export interface TextSearch {
  /** The filter without $text, for mingo and the planner. */
  rest: Document;
  /** Keeps matching rows and remembers their scores (textScoreOf). */
  filterRows<T extends { doc: Document }>(rows: Iterable<T>): Generator<T>;
}

/** undefined when the filter has no $text; mongod's errors for a bad one or a missing text index. */
export function textSearchFor(meta: CollectionMeta, filter: Document): TextSearch | undefined {
  const clause = extractText(filter);
  if (!clause) return undefined;
  const ix = meta.indexes.find(isTextIndex);
  const opts = ix ? textOptions(ix) : undefined;
  const query = parseTextQuery(clause.operand, opts?.defaultLanguage ?? 'english');
  if (!opts) throw new CommandError(27, 'IndexNotFound', 'text index required for $text query');
  checkPrefixEquality(opts.prefix, clause.rest);
  return {
    rest: clause.rest,
    *filterRows(rows) {
      for (const row of rows) {
        const score = scoreDocument(row.doc, opts, query);
        if (score === undefined) continue;
        scores.set(row.doc, score);
        yield row;
      }
    },
  };
}

/** Sorts rows whose sort spec may contain {$meta: 'textScore'} (highest score first, as mongod). */
export function sortWithScore<T extends { raw: Buffer; doc: Document }>(
  rows: T[],
  sort: Document,
  sortRows: (rows: Array<{ raw: Buffer; doc: Document }>, sort: Document) => Array<{ raw: Buffer; doc: Document }>,
): T[] {
  const spec: Document = {};
  for (const [k, v] of Object.entries<unknown>(sort)) {
    if (isScoreMeta(v)) spec[SCORE_FIELD] = -1;
    else spec[k] = v;
  }
  const back = new Map<Document, T>();
  const shadows = rows.map((row) => {
    const doc = { ...row.doc, [SCORE_FIELD]: textScoreOf(row.doc) };
    back.set(doc, row);
    return { raw: row.raw, doc };
  });
  return sortRows(shadows, spec).map((s) => back.get(s.doc) as T);
}

/** A projection split into what mingo applies and the fields that get the text score. */
export function splitProjection(projection: Document): { rest: Document; scoreFields: string[] } {
  const rest: Document = {};
  const scoreFields: string[] = [];
  for (const [k, v] of Object.entries<unknown>(projection)) {
    if (isScoreMeta(v)) scoreFields.push(k);
    else rest[k] = v;
  }
  return { rest, scoreFields };
}

export function addScoreFields(bytes: Buffer, fields: string[], score: number): Buffer {
  const doc = decodeExact(bytes);
  for (const f of fields) doc[f] = new Double(score);
  return encodeDocument(doc);
}

/** mongod's error for {$meta: 'textScore'} in a query without $text. */
export const noTextScore = () =>
  new CommandError(40218, 'Location40218', 'query requires text score metadata, but it is not available');
