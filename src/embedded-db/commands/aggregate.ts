// aggregate: a leading $match/$sort/$skip/$limit is served by the query planner (index ranges),
// the rest of the pipeline runs in mingo over a lazy stream of documents.
import { ObjectId, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { encodeDocument, isPlainObject, num } from '../bson-values.js';
import { firstBatch } from '../cursor-registry.js';
import { insertDoc } from '../doc-writes.js';
import { CommandError } from '../errors.js';
import { checkGeoStages, geoNearSource } from '../geo/aggregate-hook.js';
import { geoQueryOptions } from '../geo/query-ops.js';
import { findRows, type FindSpec } from '../query-exec.js';
import type { CommandContext, Handler } from './types.js';

function leadingFind(pipeline: Document[]): { spec: FindSpec; rest: Document[] } {
  const spec: FindSpec = { filter: {} };
  let i = 0;
  const stage = (name: string): unknown => {
    const s = pipeline[i];
    return isPlainObject(s) && name in s ? s[name] : undefined;
  };
  const match = stage('$match');
  if (isPlainObject(match)) {
    spec.filter = match;
    i++;
  }
  const sort = stage('$sort');
  if (isPlainObject(sort)) {
    spec.sort = sort;
    i++;
  }
  const skip = stage('$skip');
  if (typeof skip === 'number') {
    spec.skip = skip;
    i++;
  }
  const limit = stage('$limit');
  if (typeof limit === 'number' && limit > 0) {
    spec.limit = limit;
    i++;
  }
  return { spec, rest: pipeline.slice(i) };
}

function* docsOf(rows: Iterable<{ doc: Document }>): Generator<Document> {
  for (const r of rows) yield r.doc;
}

function resolver(ctx: CommandContext) {
  return (name: string): Document[] => [
    ...docsOf(findRows(ctx.storage, ctx.catalog.get(`${ctx.db}.${name}`), { filter: {} })),
  ];
}

async function writeOut(ctx: CommandContext, target: string, docs: Document[]): Promise<void> {
  const ns = `${ctx.db}.${target}`;
  await ctx.storage.write(() => {
    const old = ctx.catalog.get(ns);
    const indexes = old?.indexes ?? [];
    ctx.catalog.drop(ns);
    const { meta } = ctx.catalog.ensure(ns);
    meta.indexes = indexes.map((ix) => ({ ...ix, id: ctx.catalog.allocateId(), multikey: false }));
    ctx.catalog.save(meta);
    for (const d of docs) {
      const doc = d._id === undefined ? { _id: new ObjectId(), ...d } : d;
      const err = insertDoc(ctx, meta, encodeDocument(doc));
      if (err) throw new CommandError(err.code, err.codeName ?? 'Location', err.errmsg);
    }
  });
}

export const aggregate: Handler = async (cmd, _exact, ctx) => {
  const pipeline = Array.isArray(cmd.pipeline) ? (cmd.pipeline as Document[]) : [];
  const coll = typeof cmd.aggregate === 'string' ? cmd.aggregate : undefined;
  const ns = `${ctx.db}.${coll ?? '$cmd.aggregate'}`;
  const cursorOpt = isPlainObject(cmd.cursor) ? cmd.cursor : {};
  const batchSize = cursorOpt.batchSize === undefined ? -1 : num(cursorOpt.batchSize);
  const last = pipeline[pipeline.length - 1];
  const out = isPlainObject(last) && typeof last.$out === 'string' ? last.$out : undefined;
  const stages = out ? pipeline.slice(0, -1) : pipeline;
  checkGeoStages(stages);
  const meta = ctx.catalog.get(ns);
  const geoNear = coll ? geoNearSource(stages, meta, (filter) => findRows(ctx.storage, meta, { filter })) : undefined;
  const { spec, rest } = geoNear ?? (coll ? leadingFind(stages) : { spec: { filter: {} }, rest: stages });
  const source = geoNear?.docs ?? (coll ? docsOf(findRows(ctx.storage, meta, spec)) : [][Symbol.iterator]());
  const agg = new Aggregator(rest, { collectionResolver: resolver(ctx), ...geoQueryOptions });
  if (cmd.explain) {
    return { ok: 1, stages: pipeline, queryPlanner: { namespace: ns, winningPlan: { stage: 'EMBEDDED' } } };
  }
  const results = agg.stream(source);
  if (out) {
    await writeOut(ctx, out, results.collect<Document>());
    return firstBatch(ns, [][Symbol.iterator](), batchSize, false, ctx.connectionId);
  }
  const encoded = (function* () {
    for (;;) {
      const r = results.next();
      if (r.done) return;
      yield encodeDocument(r.value as Document);
    }
  })();
  return firstBatch(ns, encoded, batchSize, false, ctx.connectionId);
};
