// 2d / 2dsphere index rules: the options createIndex accepts and the defaults listIndexes shows,
// and the key checks that make a write fail when a document's geo field cannot be indexed
// (codes 16755 for 2dsphere; 16804 / 13026 / 13027 / 13067 / 13068 for 2d, as mongod).
import type { Document } from 'bson';
import { Query } from 'mingo';
import { isPlainObject } from '../bson-values.js';
import type { CollectionMeta, IndexSpec } from '../catalog.js';
import { CommandError, type WriteError } from '../errors.js';
import { bsonText } from './bson-text.js';
import { parseStored } from './geojson.js';
import { valuesAlongPath } from './path-values.js';

const location = (code: number, msg: string) => new CommandError(code, `Location${code}`, msg);

/**
 * Checks the geo parts of an index key pattern and options; returns the options mongod adds
 * (`2dsphereIndexVersion: 3`), to be listed with the index.
 */
export function geoIndexDefaults(keyDoc: Document, raw: Document): Document {
  const kinds = Object.values<unknown>(keyDoc);
  const twoD = kinds.filter((k) => k === '2d').length;
  if (twoD > 1) throw location(16800, "can't have 2 geo fields");
  if (twoD === 1 && kinds[0] !== '2d') throw location(16801, '2d has to be first in index');
  if (twoD === 1) {
    const bits: unknown = raw.bits === undefined ? 26 : raw.bits;
    if (typeof bits !== 'number' || bits < 1 || bits > 32) {
      throw location(13028, `bits in geo index must be between 1 and 32`);
    }
    const min = typeof raw.min === 'number' ? raw.min : -180;
    const max = typeof raw.max === 'number' ? raw.max : 180;
    if (!(max > min)) throw location(13067, 'region has to be greater than zero');
  }
  if (!kinds.includes('2dsphere')) return {};
  const version: unknown = raw['2dsphereIndexVersion'];
  if (version === undefined) return { '2dsphereIndexVersion': 3 };
  if (version !== 1 && version !== 2 && version !== 3) {
    throw new CommandError(
      17394,
      'Location17394',
      `unsupported geo index version { 2dsphereIndexVersion : ${bsonText(version)} }, only support versions: [1,2,3]`,
    );
  }
  return {};
}

class KeyError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function check2dPoint(loc: Record<string, unknown> | unknown[], ix: IndexSpec, doc: Document): void {
  const [x, y] = Array.isArray(loc) ? loc : Object.values(loc);
  if (x === undefined) throw new KeyError(13067, 'geo field is empty');
  if (y === undefined) throw new KeyError(13068, 'geo field only has 1 element');
  if (typeof x !== 'number' || typeof y !== 'number') {
    throw new KeyError(13026, `geo values have to be numbers: ${bsonText(loc)}`);
  }
  const min = typeof ix.extra.min === 'number' ? ix.extra.min : -180;
  const max = typeof ix.extra.max === 'number' ? ix.extra.max : 180;
  if (!(x >= min && x <= max && y >= min && y <= max)) {
    throw new KeyError(13027, `point not in interval of [ ${min}, ${max} ) :: caused by :: ${bsonText(doc)}`);
  }
}

function check2d(ix: IndexSpec, field: string, doc: Document): void {
  for (const v of valuesAlongPath(doc, field)) {
    if (!Array.isArray(v) && !isPlainObject(v)) continue;
    const vals = Array.isArray(v) ? v : Object.values(v);
    if (vals.length === 0) continue;
    if (typeof vals[0] === 'number') {
      check2dPoint(v, ix, doc);
      continue;
    }
    for (const loc of vals) {
      if (!Array.isArray(loc) && !isPlainObject(loc)) {
        throw new KeyError(16804, 'location object expected, location array not in correct format');
      }
      if ((Array.isArray(loc) ? loc.length : Object.keys(loc).length) > 0) check2dPoint(loc, ix, doc);
    }
  }
}

const emptyGeo = (v: unknown) =>
  v === null ||
  v === undefined ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.keys(v).length === 0);

function check2dsphere(field: string, doc: Document): void {
  const values = valuesAlongPath(doc, field);
  if (values.length === 1 && emptyGeo(values[0])) return;
  for (const v of values) {
    const g = parseStored(v);
    const reason = !g.ok
      ? g.reason
      : g.value.kind === 'geojson' && g.value.strictWinding
        ? "can't index geometry with strict winding order"
        : undefined;
    if (reason) throw new KeyError(16755, `Can't extract geo keys: ${bsonText(doc)}  ${reason}`);
  }
}

const partials = new WeakMap<Document, Query>();

function inPartial(ix: IndexSpec, doc: Document): boolean {
  const expr = ix.partialFilterExpression;
  if (!expr) return true;
  const q = partials.get(expr) ?? new Query(expr);
  partials.set(expr, q);
  return q.test(doc);
}

function checkIndex(ix: IndexSpec, doc: Document): void {
  if (!ix.special || !inPartial(ix, doc)) return;
  for (const [field, kind] of Object.entries<unknown>(ix.keyDoc)) {
    if (kind === '2d') check2d(ix, field, doc);
    else if (kind === '2dsphere') check2dsphere(field, doc);
  }
}

/** The write error a document gets when one of the collection's geo indexes cannot hold it. */
export function geoKeyError(meta: CollectionMeta, doc: Document): WriteError | undefined {
  try {
    for (const ix of meta.indexes) checkIndex(ix, doc);
    return undefined;
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    return { code: err.code, codeName: `Location${err.code}`, errmsg: err.message };
  }
}

/** For an index build over existing documents: mongod's build failure. */
export function geoBuildError(meta: CollectionMeta, ix: IndexSpec, doc: Document): CommandError | undefined {
  const err = geoKeyError({ ...meta, indexes: [ix] }, doc);
  if (!err) return undefined;
  return new CommandError(
    err.code,
    err.codeName ?? 'Location',
    `Index build failed: ${meta.uuid}: Collection ${meta.ns} ( ${meta.uuid} ) :: caused by :: ${err.errmsg}`,
  );
}
