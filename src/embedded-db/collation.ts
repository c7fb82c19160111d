// Collations (`{locale, strength}`) for find, count, aggregate and writes: the command's own, else
// the collection's default from `create`. Strings then sort with the locale's order
// (Intl.Collator), and with strength 1 or 2 string equality ignores case. Approximation: equality
// at strength 1 does not ignore accents (the comparison is a case-insensitive match).
import type { Document } from 'bson';
import { isPlainObject, num } from './bson-values.js';

export interface Collation {
  locale: string;
  strength: number;
}

/** The collation in effect: the command's (`locale: 'simple'` = none), else the collection's. */
export function activeCollation(given: unknown, collectionOptions: Document | undefined): Collation | undefined {
  const spec: unknown = isPlainObject(given) ? given : collectionOptions?.collation;
  if (!isPlainObject(spec) || typeof spec.locale !== 'string' || spec.locale === 'simple') return undefined;
  const strength = num(spec.strength, 3);
  return { locale: spec.locale, strength };
}

/** Compares two strings in the collation's order. */
export function stringComparator(c: Collation): (a: string, b: string) => number {
  const sensitivity = c.strength <= 1 ? 'base' : c.strength === 2 ? 'accent' : 'variant';
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(c.locale.replace(/_/g, '-'), { sensitivity });
  } catch {
    collator = new Intl.Collator('en', { sensitivity });
  }
  return (a, b) => collator.compare(a, b);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const loose = (v: unknown): unknown => (typeof v === 'string' ? new RegExp(`^${escape(v)}$`, 'i') : v);

function collateCondition(cond: unknown): unknown {
  if (typeof cond === 'string') return loose(cond);
  if (!isPlainObject(cond) || !Object.keys(cond).every((k) => k.startsWith('$'))) return cond;
  const out: Document = { ...cond };
  if (typeof out.$eq === 'string') {
    out.$regex = loose(out.$eq);
    delete out.$eq;
  }
  if (Array.isArray(out.$in)) out.$in = (out.$in as unknown[]).map(loose);
  if (Array.isArray(out.$nin)) out.$nin = (out.$nin as unknown[]).map(loose);
  return out;
}

/** With strength 1 or 2, string equalities (`a: 's'`, `$eq`, `$in`, `$nin`) become case-insensitive. */
export function collateFilter(filter: Document, c: Collation): Document {
  if (c.strength > 2) return filter;
  const out: Document = {};
  for (const [k, v] of Object.entries<unknown>(filter)) {
    if ((k === '$and' || k === '$or' || k === '$nor') && Array.isArray(v)) {
      out[k] = (v as unknown[]).map((f) => (isPlainObject(f) ? collateFilter(f, c) : f));
    } else if (k.startsWith('$')) out[k] = v;
    else out[k] = collateCondition(v);
  }
  return out;
}
