// The positional `$` of updates (`a.$.b`) and projections (`a.$`): the index of the first element
// of array `a` that the query's conditions on `a` (or `a.x`) match, as MongoDB resolves it.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { isPlainObject } from './bson-values.js';
import { CommandError } from './errors.js';

export const positionalNotFound = () =>
  new CommandError(2, 'BadValue', 'The positional operator did not find the match needed from the query.');

/** Conditions of `filter` (top level and inside `$and`) on `arrayPath` or a path under it. */
function conditionsOn(filter: Document, arrayPath: string, out: Document = {}): Document {
  for (const [k, v] of Object.entries<unknown>(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const f of v) if (isPlainObject(f)) conditionsOn(f, arrayPath, out);
    } else if (k === arrayPath || k.startsWith(`${arrayPath}.`)) {
      out[k] = v;
    }
  }
  return out;
}

function nested(path: string, value: unknown): Document {
  const root: Document = {};
  let cur = root;
  const parts = path.split('.');
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1) cur[p] = value;
    else cur = cur[p] = {};
  }
  return root;
}

/** The value at a dotted path of plain objects (array elements by index), or undefined. */
export function valueAt(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Index in `doc` (query form) of the first element of `arrayPath` matched by `filter`, or -1. */
export function positionalIndex(doc: Document, arrayPath: string, filter: Document): number {
  const arr = valueAt(doc, arrayPath);
  const conds = conditionsOn(filter, arrayPath);
  if (!Array.isArray(arr) || Object.keys(conds).length === 0) return -1;
  const query = new Query(conds);
  return arr.findIndex((el) => query.test(nested(arrayPath, [el])));
}

/** Path with its `$` component (if any) replaced by the matched index; throws when none matches. */
export function resolvePositionalPath(path: string, doc: Document, filter: Document): string {
  const parts = path.split('.');
  const at = parts.indexOf('$');
  if (at < 0) return path;
  const arrayPath = parts.slice(0, at).join('.');
  const i = positionalIndex(doc, arrayPath, filter);
  if (i < 0) throw positionalNotFound();
  parts[at] = String(i);
  return parts.join('.');
}

/** The arrayFilters that name `id` (keys `id` or `id.x`), merged. */
function filterFor(id: string, arrayFilters: Document[]): Document {
  const out: Document = {};
  for (const f of arrayFilters) {
    for (const [k, v] of Object.entries<unknown>(f)) if (k === id || k.startsWith(`${id}.`)) out[k] = v;
  }
  return out;
}

/**
 * Expands `$[]` and `$[id]` components into the concrete paths of the elements they select in
 * `doc`, so paths under different elements never look alike (mingo would call `a.$[e].x` and
 * `a.$[e].y` a conflict at `a`). Paths without them come back unchanged.
 */
export function expandArrayPaths(path: string, doc: Document, arrayFilters: Document[]): string[] {
  const parts = path.split('.');
  const at = parts.findIndex((p) => p.startsWith('$[') && p.endsWith(']'));
  if (at < 0) return [path];
  const arrayPath = parts.slice(0, at).join('.');
  const arr = valueAt(doc, arrayPath);
  if (!Array.isArray(arr)) return [path];
  const id = (parts[at] ?? '').slice(2, -1);
  const query = id ? new Query(filterFor(id, arrayFilters)) : undefined;
  const out: string[] = [];
  arr.forEach((el: unknown, i) => {
    if (query && !query.test({ [id]: [el] })) return;
    out.push(
      ...expandArrayPaths([...parts.slice(0, at), String(i), ...parts.slice(at + 1)].join('.'), doc, arrayFilters),
    );
  });
  return out;
}
