// insert / update / delete. Each command runs as one lmdb write transaction and replies only
// once that transaction is durable.
import { ObjectId, type Document } from 'bson';
import { encodeDocument, toQueryForm, bool, num } from '../bson-values.js';
import { deleteDoc, insertDoc, replaceDoc } from '../doc-writes.js';
import { toWriteError, type WriteError } from '../errors.js';
import { findRows } from '../query-exec.js';
import { applyUpdate, type UpdateStatement } from '../update-apply.js';
import { collectionName, type CommandContext, type Handler } from './types.js';

type IndexedError = WriteError & { index: number };

function withErrors(reply: Document, errors: IndexedError[]): Document {
  if (errors.length > 0) reply.writeErrors = errors;
  return reply;
}

function docsOf(exact: Document, key: string): Document[] {
  const v: unknown = exact[key];
  return Array.isArray(v) ? (v as Document[]) : [];
}

export const insert: Handler = (cmd, exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'insert')}`;
  const docs = docsOf(exact, 'documents');
  const ordered = cmd.ordered === undefined ? true : bool(cmd.ordered);
  return ctx.storage.write(() => {
    const { meta } = ctx.catalog.ensure(ns);
    const errors: IndexedError[] = [];
    let n = 0;
    for (const [i, given] of docs.entries()) {
      const doc = given._id === undefined ? { _id: new ObjectId(), ...given } : given;
      const err = insertDoc(ctx, meta, encodeDocument(doc));
      if (err) {
        errors.push({ index: i, ...err });
        if (ordered) break;
      } else n++;
    }
    return withErrors({ n, ok: 1 }, errors);
  });
};

function runUpdate(
  ctx: CommandContext,
  ns: string,
  st: UpdateStatement,
  opts: { multi: boolean; upsert: boolean; sort?: Document; collation?: unknown },
) {
  const meta = ctx.catalog.get(ns);
  const targets = [
    ...findRows(ctx.storage, meta, {
      filter: st.q,
      sort: opts.sort,
      limit: opts.multi ? 0 : 1,
      collation: opts.collation,
    }),
  ];
  let matched = 0;
  let modified = 0;
  for (const row of targets) {
    const applied = applyUpdate(st, row.raw);
    matched++;
    if (!applied.changed || !meta) continue;
    const err = replaceDoc(ctx, meta, row.doc, applied.bytes);
    if (err) return { matched, modified, err };
    modified++;
  }
  if (targets.length > 0 || !opts.upsert) return { matched, modified };
  const applied = applyUpdate(st, undefined);
  const { meta: created } = ctx.catalog.ensure(ns);
  const err = insertDoc(ctx, created, applied.bytes, applied.doc);
  if (err) return { matched, modified, err };
  const upsertedId: unknown = applied.doc._id;
  return { matched, modified, upsertedId };
}

export const update: Handler = (cmd, exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'update')}`;
  const statements = docsOf(exact, 'updates');
  const ordered = cmd.ordered === undefined ? true : bool(cmd.ordered);
  return ctx.storage.write(() => {
    const errors: IndexedError[] = [];
    const upserted: Document[] = [];
    let n = 0;
    let nModified = 0;
    for (const [i, s] of statements.entries()) {
      try {
        const st: UpdateStatement = {
          q: (toQueryForm(s.q) as Document | undefined) ?? {},
          u: s.u,
          arrayFilters: s.arrayFilters ? (toQueryForm(s.arrayFilters) as Document[]) : undefined,
        };
        const sort = s.sort ? (toQueryForm(s.sort) as Document) : undefined;
        const r = runUpdate(ctx, ns, st, {
          multi: bool(s.multi),
          upsert: bool(s.upsert),
          sort,
          collation: s.collation,
        });
        n += r.matched;
        nModified += r.modified;
        if (r.upsertedId !== undefined) {
          n++;
          upserted.push({ index: i, _id: r.upsertedId });
        }
        if (r.err) throw Object.assign(new Error(r.err.errmsg), { writeError: r.err });
      } catch (e) {
        const we = (e as { writeError?: WriteError }).writeError ?? toWriteError(e);
        errors.push({ index: i, ...we });
        if (ordered) break;
      }
    }
    const reply: Document = { n, nModified, ok: 1 };
    if (upserted.length > 0) reply.upserted = upserted;
    return withErrors(reply, errors);
  });
};

export const del: Handler = (cmd, exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'delete')}`;
  const statements = docsOf(exact, 'deletes');
  const ordered = cmd.ordered === undefined ? true : bool(cmd.ordered);
  return ctx.storage.write(() => {
    const errors: IndexedError[] = [];
    let n = 0;
    const meta = ctx.catalog.get(ns);
    for (const [i, s] of statements.entries()) {
      try {
        if (!meta) continue;
        const filter = (toQueryForm(s.q) as Document | undefined) ?? {};
        const limit = num(s.limit) === 1 ? 1 : 0;
        const rows = [...findRows(ctx.storage, meta, { filter, limit, collation: s.collation })];
        for (const row of rows) deleteDoc(ctx, meta, row.doc);
        n += rows.length;
      } catch (e) {
        errors.push({ index: i, ...toWriteError(e) });
        if (ordered) break;
      }
    }
    return withErrors({ n, ok: 1 }, errors);
  });
};
