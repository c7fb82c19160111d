// Where a geo predicate looks in a document: the values at a dotted path (arrays of
// subdocuments met on the way are expanded, as mongod does), keeping the last value whole
// because an array there may itself be a legacy pair.
import { isPlainObject } from '../bson-values.js';

export function valuesAlongPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (cur: unknown, i: number): void => {
    const part = parts[i];
    if (part === undefined) {
      if (cur !== undefined) out.push(cur);
      return;
    }
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(part)) walk(cur[Number(part)], i + 1);
      else for (const el of cur) if (isPlainObject(el)) walk(el, i);
      return;
    }
    if (isPlainObject(cur)) walk(cur[part], i + 1);
  };
  walk(doc, 0);
  return out;
}

/** What a query tests: each value at the path, and each element of an array value. */
export function geoCandidates(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  for (const v of valuesAlongPath(doc, path)) {
    out.push(v);
    if (Array.isArray(v)) out.push(...(v as unknown[]));
  }
  return out;
}
