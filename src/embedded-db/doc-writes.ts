// Single-document writes inside a write transaction: every unique check happens before the first
// put, so a rejected write leaves nothing behind.
import type { Document } from 'bson';
import { decodeForQuery } from './bson-values.js';
import type { Catalog, CollectionMeta } from './catalog.js';
import { duplicateKeyError, type WriteError } from './errors.js';
import { geoKeyError } from './geo/index-rules.js';
import { docKey, findDuplicate, writeEntries } from './index-manager.js';
import type { Storage } from './storage.js';

export interface Ctx {
  storage: Storage;
  catalog: Catalog;
}

const MAX_DOC = 16 * 1024 * 1024;

function tooLarge(bytes: Buffer): WriteError | undefined {
  if (bytes.length <= MAX_DOC) return undefined;
  return {
    code: 10334,
    codeName: 'BSONObjectTooLarge',
    errmsg: `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_DOC}`,
  };
}

/** Inserts encoded bytes whose decoded form is `doc` (must already have _id). */
export function insertDoc(
  ctx: Ctx,
  meta: CollectionMeta,
  bytes: Buffer,
  doc: Document = decodeForQuery(bytes),
): WriteError | undefined {
  const big = tooLarge(bytes);
  if (big) return big;
  const geo = geoKeyError(meta, doc);
  if (geo) return geo;
  const dup = findDuplicate(ctx.storage, meta, doc, true);
  if (dup) return duplicateKeyError(meta, dup);
  ctx.storage.docs.putSync(docKey(meta, doc._id), bytes);
  if (writeEntries(ctx.storage, meta, doc, 'put')) ctx.catalog.save(meta);
  return undefined;
}

/** Replaces a stored document (same _id) with new bytes. */
export function replaceDoc(ctx: Ctx, meta: CollectionMeta, oldDoc: Document, bytes: Buffer): WriteError | undefined {
  const big = tooLarge(bytes);
  if (big) return big;
  const doc = decodeForQuery(bytes);
  const geo = geoKeyError(meta, doc);
  if (geo) return geo;
  const dup = findDuplicate(ctx.storage, meta, doc, false);
  if (dup) return duplicateKeyError(meta, dup);
  writeEntries(ctx.storage, meta, oldDoc, 'remove');
  ctx.storage.docs.putSync(docKey(meta, doc._id), bytes);
  if (writeEntries(ctx.storage, meta, doc, 'put')) ctx.catalog.save(meta);
  return undefined;
}

export function deleteDoc(ctx: Ctx, meta: CollectionMeta, doc: Document): void {
  writeEntries(ctx.storage, meta, doc, 'remove');
  ctx.storage.docs.removeSync(docKey(meta, doc._id));
}
