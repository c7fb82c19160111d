// Order-preserving binary encoding of BSON values, so that lmdb's bytewise key order equals
// MongoDB's comparison order (type brackets first, then value). Every encoding is prefix-free,
// which makes (a) concatenated compound keys compare field by field and (b) bytewise inversion a
// correct descending order.
import { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp } from 'bson';

// Tags follow MongoDB's BSON type order; gaps leave room and keep `tag + 1` from being a real tag.
export const TAG = {
  minKey: 0x01,
  nullish: 0x05,
  number: 0x10,
  string: 0x14,
  object: 0x18,
  array: 0x1c,
  binData: 0x20,
  objectId: 0x24,
  boolean: 0x28,
  date: 0x2c,
  timestamp: 0x30,
  regex: 0x34,
  maxKey: 0x7f,
} as const;

type Chunk = number[];

function bsonType(v: object): string | undefined {
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/** The type bracket a value sorts in (MongoDB compares values of different brackets by bracket). */
export function typeTag(v: unknown): number {
  if (v === undefined || v === null) return TAG.nullish;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return TAG.number;
    case 'string':
      return TAG.string;
    case 'boolean':
      return TAG.boolean;
    case 'object':
      break;
    default:
      return TAG.nullish;
  }
  if (v instanceof Date) return TAG.date;
  if (Array.isArray(v)) return TAG.array;
  if (v instanceof RegExp) return TAG.regex;
  if (v instanceof Uint8Array) return TAG.binData;
  switch (bsonType(v)) {
    case 'ObjectId':
      return TAG.objectId;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return TAG.number;
    case 'Binary':
      return TAG.binData;
    case 'Timestamp':
      return TAG.timestamp;
    case 'BSONRegExp':
      return TAG.regex;
    case 'MinKey':
      return TAG.minKey;
    case 'MaxKey':
      return TAG.maxKey;
    case 'BSONSymbol':
      return TAG.string;
    case 'Code':
      return TAG.string;
    default:
      return TAG.object;
  }
}

function pushDouble(out: Chunk, d: number): void {
  const buf = Buffer.alloc(8);
  // -0 and 0 are equal in MongoDB.
  buf.writeDoubleBE(d === 0 ? 0 : d);
  if (Number.isNaN(d)) {
    // NaN sorts below every other number in MongoDB.
    out.push(0, 0, 0, 0, 0, 0, 0, 0);
    return;
  }
  const top = buf.readUInt8(0);
  if ((top & 0x80) !== 0) {
    for (const [i, byte] of buf.entries()) buf[i] = ~byte & 0xff;
  } else {
    buf[0] = top | 0x80;
  }
  for (const b of buf) out.push(b);
}

function pushString(out: Chunk, s: string): void {
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0) out.push(0, 0xff);
    else out.push(b);
  }
  out.push(0, 0);
}

function pushBytes(out: Chunk, bytes: Uint8Array): void {
  for (const b of bytes) out.push(b);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return Number(v.toString());
  const inner = (v as { value?: unknown }).value;
  return typeof inner === 'number' ? inner : Number(inner);
}

function encodeInto(out: Chunk, v: unknown): void {
  const tag = typeTag(v);
  out.push(tag);
  switch (tag) {
    case TAG.minKey:
    case TAG.maxKey:
    case TAG.nullish:
      return;
    case TAG.number:
      pushDouble(out, toNumber(v));
      return;
    case TAG.string:
      pushString(
        out,
        typeof v === 'string'
          ? v
          : String((v as { value?: unknown; code?: unknown }).value ?? (v as { code?: unknown }).code),
      );
      return;
    case TAG.boolean:
      out.push(v ? 1 : 0);
      return;
    case TAG.date: {
      const b = Buffer.alloc(8);
      const ms = (v as Date).getTime();
      b.writeBigInt64BE(BigInt(Number.isNaN(ms) ? 0 : ms) ^ -0x8000000000000000n);
      pushBytes(out, b);
      return;
    }
    case TAG.objectId:
      pushBytes(out, (v as ObjectId).id);
      return;
    case TAG.timestamp: {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE((v as Timestamp).toBigInt());
      pushBytes(out, b);
      return;
    }
    case TAG.binData: {
      const bytes = v instanceof Binary ? v.buffer.subarray(0, v.position) : (v as Uint8Array);
      const sub = v instanceof Binary ? v.sub_type : 0;
      const b = Buffer.alloc(5);
      b.writeUInt32BE(bytes.length);
      b[4] = sub;
      pushBytes(out, b);
      pushBytes(out, bytes);
      return;
    }
    case TAG.regex: {
      const r = v instanceof BSONRegExp ? { source: v.pattern, flags: v.options } : (v as RegExp);
      pushString(out, r.source);
      pushString(out, r.flags);
      return;
    }
    case TAG.array:
      for (const el of v as unknown[]) encodeInto(out, el);
      out.push(0);
      return;
    default: {
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        if (val === undefined) continue;
        out.push(typeTag(val));
        pushString(out, k);
        encodeInto(out, val);
      }
      out.push(0);
    }
  }
}

/** Ascending order-preserving encoding of one value. */
export function encodeValue(v: unknown): Buffer {
  const out: Chunk = [];
  encodeInto(out, v);
  return Buffer.from(out);
}

/** Reverses bytewise order; valid because every encoding is prefix-free. */
export function invert(b: Buffer): Buffer {
  const r = Buffer.allocUnsafe(b.length);
  for (const [i, byte] of b.entries()) r[i] = ~byte & 0xff;
  return r;
}

export function encodeComponent(v: unknown, direction: 1 | -1): Buffer {
  const e = encodeValue(v);
  return direction === 1 ? e : invert(e);
}

/** MongoDB-order comparison of two values (used for in-memory sorts). */
export function compareValues(a: unknown, b: unknown): number {
  return Buffer.compare(encodeValue(a), encodeValue(b));
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Smallest key greater than every key that starts with `prefix` followed by more bytes. */
export function afterPrefix(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, Buffer.from([0xff, 0xff])]);
}
