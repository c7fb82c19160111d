// find / getMore / killCursors / count / distinct.
import { Long, type Document } from 'bson';
import { bool, num } from '../bson-values.js';
import { firstBatch, getMore as nextBatch, killOwnCursor } from '../cursor-registry.js';
import { CommandError } from '../errors.js';
import { valuesAtPath } from '../index-manager.js';
import { encodeValue, u32 } from '../index-keys.js';
import { findOutput, findRows } from '../query-exec.js';
import { prefixRange } from '../storage.js';
import { collectionName, cursorOwner, type Handler } from './types.js';

function docOrUndefined(v: unknown): Document | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export const find: Handler = (cmd, _exact, ctx) => {
  const coll = collectionName(cmd, 'find');
  const ns = `${ctx.db}.${coll}`;
  const rawLimit = num(cmd.limit);
  let batchSize = cmd.batchSize === undefined ? -1 : num(cmd.batchSize);
  const limit = Math.abs(rawLimit);
  const singleBatch = bool(cmd.singleBatch) || rawLimit < 0;
  if (limit > 0 && (batchSize < 0 || batchSize > limit)) batchSize = limit;
  const output = findOutput(ctx.storage, ctx.catalog.get(ns), {
    filter: docOrUndefined(cmd.filter) ?? {},
    sort: docOrUndefined(cmd.sort),
    skip: num(cmd.skip),
    limit,
    projection: docOrUndefined(cmd.projection),
    collation: cmd.collation,
  });
  return firstBatch(ns, output, batchSize, singleBatch, cursorOwner(ctx));
};

function cursorId(v: unknown): bigint {
  if (v instanceof Long) return v.toBigInt();
  if (typeof v === 'bigint') return v;
  return BigInt(Math.trunc(num(v)));
}

export const getMore: Handler = (cmd, exact, ctx) => {
  const id = cursorId(exact.getMore);
  const ns = `${ctx.db}.${collectionName(cmd, 'collection')}`;
  const reply = nextBatch(id, ns, cursorOwner(ctx), cmd.batchSize === undefined ? 0 : num(cmd.batchSize));
  if (!reply) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
  return reply;
};

export const killCursors: Handler = (cmd, exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'killCursors')}`;
  const ids = Array.isArray(exact.cursors) ? exact.cursors : [];
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of ids) {
    const id = cursorId(raw);
    // Another user's cursor, or one on another namespace, is not there for this caller.
    (killOwnCursor(id, ns, cursorOwner(ctx)) ? killed : notFound).push(Long.fromBigInt(id));
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

export const count: Handler = (cmd, _exact, ctx) => {
  const meta = ctx.catalog.get(`${ctx.db}.${collectionName(cmd, 'count')}`);
  if (!meta) return { n: 0, ok: 1 };
  const filter = docOrUndefined(cmd.query) ?? {};
  const skip = num(cmd.skip);
  const limit = Math.abs(num(cmd.limit));
  if (Object.keys(filter).length === 0) {
    const total = ctx.storage.docs.getCount(prefixRange(u32(meta.id)));
    const afterSkip = Math.max(0, total - skip);
    return { n: limit > 0 ? Math.min(limit, afterSkip) : afterSkip, ok: 1 };
  }
  let n = 0;
  for (const _row of findRows(ctx.storage, meta, { filter, skip, limit, collation: cmd.collation })) n++;
  return { n, ok: 1 };
};

export const distinct: Handler = (cmd, _exact, ctx) => {
  const meta = ctx.catalog.get(`${ctx.db}.${collectionName(cmd, 'distinct')}`);
  const key = typeof cmd.key === 'string' ? cmd.key : '';
  if (!key) throw new CommandError(2, 'BadValue', 'distinct key must be a string');
  const seen = new Map<string, unknown>();
  for (const row of findRows(ctx.storage, meta, { filter: docOrUndefined(cmd.query) ?? {} })) {
    for (const v of valuesAtPath(row.doc, key).values) {
      if (v === undefined) continue;
      const k = encodeValue(v).toString('latin1');
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  const values = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { values, ok: 1 };
};
