// MongoDB error shapes. A CommandError becomes `{ok: 0, errmsg, code, codeName}`.
import type { Document, ObjectId } from 'bson';
import type { CollectionMeta } from './catalog.js';
import type { DuplicateKey } from './index-manager.js';

export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }
}

export const badValue = (msg: string) => new CommandError(2, 'BadValue', msg);
export const failedToParse = (msg: string) => new CommandError(9, 'FailedToParse', msg);
/** MongoDB's answer when a write cannot be stored because the disk is full. */
export const outOfDiskSpace = () => new CommandError(14031, 'OutOfDiskSpace', 'No space left on device');
export const namespaceNotFound = (msg = 'ns not found') => new CommandError(26, 'NamespaceNotFound', msg);

/** A write error (per statement) as it appears in writeErrors[]. */
export interface WriteError {
  code: number;
  codeName?: string;
  errmsg: string;
  keyPattern?: Document;
  keyValue?: Document;
}

function formatKeyValue(kv: Document): string {
  const parts = Object.entries(kv).map(([k, v]) => `${k}: ${formatValue(v)}`);
  return `{ ${parts.join(', ')} }`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'ObjectId') {
    return `ObjectId('${(v as ObjectId).toHexString()}')`;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  // Plain objects, arrays and other BSON values; a missing value prints as null, as MongoDB does.
  return v === undefined ? 'null' : JSON.stringify(v);
}

export function duplicateKeyError(meta: CollectionMeta, dup: DuplicateKey): WriteError {
  const name = dup.index === '_id_' ? '_id_' : dup.index.name;
  const keyPattern = dup.index === '_id_' ? { _id: 1 } : dup.index.keyDoc;
  return {
    code: 11000,
    codeName: 'DuplicateKey',
    errmsg: `E11000 duplicate key error collection: ${meta.ns} index: ${name} dup key: ${formatKeyValue(dup.keyValue)}`,
    keyPattern,
    keyValue: dup.keyValue,
  };
}

export function toWriteError(err: unknown): WriteError {
  if (err instanceof CommandError) return { code: err.code, codeName: err.codeName, errmsg: err.message };
  return { code: 2, codeName: 'BadValue', errmsg: err instanceof Error ? err.message : String(err) };
}

export function errorReply(err: unknown): Document {
  if (err instanceof CommandError) {
    return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { ok: 0, errmsg: msg, code: 2, codeName: 'BadValue' };
}
