// Finds the $text clause of a query filter (top level, or inside a top-level $and) and returns the
// rest of the filter for mingo, refusing the positions mongod refuses.
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import { badValue, CommandError } from '../errors.js';

export interface TextClause {
  operand: unknown;
  /** The filter without the $text clause. */
  rest: Document;
}

export function countText(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, el) => n + countText(el), 0);
  if (!isPlainObject(v)) return 0;
  let n = 0;
  for (const [k, sub] of Object.entries(v)) n += (k === '$text' ? 1 : 0) + countText(sub);
  return n;
}

function refuseNested(filter: Document): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$nor' && countText(v) > 0) throw badValue('text expression not allowed in nor');
    if (k === '$or' && countText(v) > 0) {
      throw new CommandError(
        291,
        'NoQueryExecutionPlans',
        'error processing query: planner returned error :: caused by :: Failed to produce a solution for TEXT ' +
          'under OR - other non-TEXT clauses under OR have to be indexed as well.',
      );
    }
    if (k === '$and' && Array.isArray(v)) for (const sub of v) if (isPlainObject(sub)) refuseNested(sub);
    if (!k.startsWith('$') && countText(v) > 0) throw badValue('$text is not allowed in this context');
  }
}

function take(filter: Document): { operand: unknown; rest: Document } | undefined {
  if ('$text' in filter) {
    const { $text: operand, ...rest } = filter;
    return { operand, rest };
  }
  const and: unknown = filter.$and;
  if (!Array.isArray(and)) return undefined;
  for (const [i, sub] of and.entries()) {
    if (!isPlainObject(sub)) continue;
    const found = take(sub);
    if (!found) continue;
    const others = and.filter((_, j) => j !== i);
    if (Object.keys(found.rest).length > 0) others.push(found.rest);
    const { $and: _drop, ...rest } = filter;
    return { operand: found.operand, rest: others.length > 0 ? { ...rest, $and: others } : rest };
  }
  return undefined;
}

/** The $text clause and the remaining filter, or undefined when the filter has no $text. */
export function extractText(filter: Document): TextClause | undefined {
  const n = countText(filter);
  if (n === 0) return undefined;
  if (n > 1) throw badValue('Too many text expressions');
  refuseNested(filter);
  return take(filter);
}

/** A compound text index needs equality on each of its prefix fields (mongod's planner refuses otherwise). */
export function checkPrefixEquality(prefix: string[], rest: Document): void {
  for (const field of prefix) {
    const v: unknown = rest[field];
    const isEq =
      v !== undefined && (!isPlainObject(v) || Object.keys(v).every((k) => !k.startsWith('$')) || '$eq' in v);
    if (!isEq) {
      throw badValue(
        'error processing query: planner returned error :: caused by :: failed to use text index to satisfy ' +
          '$text query (if text index is compound, are equality predicates given for all prefix fields?)',
      );
    }
  }
}
