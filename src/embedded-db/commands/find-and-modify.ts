// findAndModify: one document, found (with sort), then removed, updated or upserted atomically
// within a single write transaction. Errors are top-level (ok: 0), unlike batch writes.
import type { Document } from 'bson';
import { bool, decodeExact, isPlainObject, toQueryForm } from '../bson-values.js';
import { deleteDoc, insertDoc, replaceDoc } from '../doc-writes.js';
import { CommandError, errorReply, type WriteError } from '../errors.js';
import { findRows, hasProjection } from '../query-exec.js';
import { project } from '../projection.js';
import { applyUpdate } from '../update-apply.js';
import { collectionName, type Handler } from './types.js';

function failure(err: WriteError): Document {
  const { code, codeName, errmsg, keyPattern, keyValue } = err;
  const reply: Document = { ok: 0, errmsg, code, codeName: codeName ?? 'Location' };
  if (keyPattern) reply.keyPattern = keyPattern;
  if (keyValue) reply.keyValue = keyValue;
  return reply;
}

export const findAndModify: Handler = (cmd, exact, ctx) => {
  const name = typeof cmd.findAndModify === 'string' ? 'findAndModify' : 'findandmodify';
  const ns = `${ctx.db}.${collectionName(cmd, name)}`;
  const filter = isPlainObject(cmd.query) ? cmd.query : {};
  const sort = isPlainObject(cmd.sort) ? cmd.sort : undefined;
  const fields = isPlainObject(cmd.fields) ? cmd.fields : undefined;
  const remove = bool(cmd.remove);
  const returnNew = bool(cmd.new);
  const upsert = bool(cmd.upsert);
  if (!remove && exact.update === undefined) {
    throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified');
  }
  const st = {
    q: filter,
    u: exact.update as unknown,
    arrayFilters: Array.isArray(cmd.arrayFilters) ? (toQueryForm(exact.arrayFilters) as Document[]) : undefined,
  };
  const shape = (bytes: Buffer | undefined): Document | null => {
    if (!bytes) return null;
    return decodeExact(hasProjection(fields) ? project(bytes, fields, filter) : bytes);
  };
  return ctx.storage.write((): Document => {
    try {
      const meta = ctx.catalog.get(ns);
      const first = meta ? findRows(ctx.storage, meta, { filter, sort, limit: 1 }).next() : undefined;
      const row = first && !first.done ? first.value : undefined;
      if (remove) {
        if (row && meta) deleteDoc(ctx, meta, row.doc);
        return { lastErrorObject: { n: row ? 1 : 0 }, value: shape(row?.raw), ok: 1 };
      }
      if (row && meta) {
        const applied = applyUpdate(st, row.raw);
        if (applied.changed) {
          const err = replaceDoc(ctx, meta, row.doc, applied.bytes);
          if (err) return failure(err);
        }
        return {
          lastErrorObject: { n: 1, updatedExisting: true },
          value: shape(returnNew ? applied.bytes : row.raw),
          ok: 1,
        };
      }
      if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const applied = applyUpdate(st, undefined);
      const { meta: created } = ctx.catalog.ensure(ns);
      const err = insertDoc(ctx, created, applied.bytes, applied.doc);
      if (err) return failure(err);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: applied.doc._id as unknown },
        value: returnNew ? shape(applied.bytes) : null,
        ok: 1,
      };
    } catch (e) {
      return errorReply(e);
    }
  });
};
