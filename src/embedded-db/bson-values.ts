// Boundary between exact BSON values and the plain JS values mingo understands.
// mingo needs plain numbers, but plain numbers lose the distinction between int32, double and
// int64 (a stored 5.0 would come back as int 5). So while converting to "query form" we note the
// dotted path of every integral double and every int64, and restore those types on the way back.
import { Double, Int32, Long, serialize, deserialize, type Document } from 'bson';

export type NumericKind = 'double' | 'long';
export type TypeMap = Map<string, NumericKind>;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Converts a non-promoted BSON value into query form, recording numeric types in `types`. */
export function toQueryForm(v: unknown, types?: TypeMap, path = ''): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Int32) return v.value;
  if (v instanceof Double) {
    if (types && Number.isInteger(v.value)) types.set(path, 'double');
    return v.value;
  }
  if (v instanceof Long) {
    const n = v.toNumber();
    if (!Number.isSafeInteger(n)) return v;
    if (types) types.set(path, 'long');
    return n;
  }
  if (Array.isArray(v)) return v.map((el, i) => toQueryForm(el, types, path ? `${path}.${i}` : String(i)));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const conv = toQueryForm(val, types, path ? `${path}.${k}` : k);
    // An own "__proto__" field (legal in BSON) must stay a field, not become the prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: conv, enumerable: true, writable: true, configurable: true });
    else out[k] = conv;
  }
  return out;
}

function getAt(
  root: unknown,
  parts: string[],
): { parent: Record<string, unknown> | unknown[]; key: string } | undefined {
  const key = parts.at(-1);
  let cur: unknown = root;
  for (const part of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (key === undefined || cur === null || typeof cur !== 'object') return undefined;
  return { parent: cur as Record<string, unknown>, key };
}

/** Re-applies recorded numeric types (in place) so the document serializes with its original types. */
export function restoreTypes<T>(doc: T, types: TypeMap): T {
  for (const [path, kind] of types) {
    const at = getAt(doc, path.split('.'));
    if (!at) continue;
    const slot = at.parent as Record<string, unknown>;
    const v = slot[at.key];
    if (typeof v !== 'number') continue;
    if (kind === 'double') slot[at.key] = new Double(v);
    else if (Number.isInteger(v)) slot[at.key] = Long.fromNumber(v);
  }
  return doc;
}

/** Decodes stored bytes for filtering and sorting (plain numbers). */
export function decodeForQuery(bytes: Uint8Array): Document {
  return deserialize(bytes, { promoteLongs: true, promoteValues: true, promoteBuffers: false });
}

/** Decodes stored bytes keeping every BSON type exactly (for replies built from objects). */
export function decodeExact(bytes: Uint8Array): Document {
  return deserialize(bytes, { promoteValues: false, promoteBuffers: false, bsonRegExp: false });
}

/** Decodes for modification: query form plus the numeric types to restore afterwards. */
export function decodeForUpdate(bytes: Uint8Array): { doc: Document; types: TypeMap } {
  const types: TypeMap = new Map();
  const doc = toQueryForm(decodeExact(bytes), types) as Document;
  return { doc, types };
}

/** Serializes with `_id` as the first field, as MongoDB stores it. */
export function encodeDocument(doc: Document): Buffer {
  if ('_id' in doc && Object.keys(doc)[0] !== '_id') {
    const { _id, ...rest }: Record<string, unknown> = doc;
    return Buffer.from(serialize({ _id, ...rest }, { ignoreUndefined: false }));
  }
  return Buffer.from(serialize(doc, { ignoreUndefined: false }));
}

/** Converts an integral-or-not numeric command argument (Int32/Double/Long/number) to a number. */
export function num(v: unknown, fallback = 0): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Int32 || v instanceof Double) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return fallback;
}

/** MongoDB treats many "boolean" options as truthy numbers. */
export function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return num(v, v ? 1 : 0) !== 0;
}
