// aggregate: a leading $match/$sort/$skip/$limit is served by the query planner (index ranges),
// the rest of the pipeline runs in mingo over a lazy stream of documents.
import { ObjectId, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { encodeDocument, isPlainObject, num } from '../bson-values.js';
import { firstBatch } from '../cursor-registry.js';
import { insertDoc } from '../doc-writes.js';
import { activeCollation } from '../collation.js';
import { CommandError } from '../errors.js';
import { checkGeoStages, geoNearSource } from '../geo/aggregate-hook.js';
import { geoQueryOptions } from '../geo/query-ops.js';
import { findRows, type FindSpec } from '../query-exec.js';
import { refuseServerJsInPipeline } from '../server-js-refusal.js';
import { hasText } from '../text/text-search.js';
import { checkTextStages, rewriteScoreMeta, stripScoreField, withScoreField } from '../text/text-pipeline.js';
import { cursorOwner, type CommandContext, type Handler } from './types.js';

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

/** Runs `f`, turning mingo's unknown-stage error into MongoDB's (40324). */
function mongoErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const m = e instanceof Error ? /unregistered pipeline operator (\$\w+)/.exec(e.message) : null;
    if (m) throw new CommandError(40324, 'Location40324', `Unrecognized pipeline stage name: '${m[1] ?? ''}'`);
    throw e;
  }
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
  refuseServerJsInPipeline(pipeline);
  checkTextStages(stages);
  checkGeoStages(stages);
  const meta = ctx.catalog.get(ns);
  const collation = activeCollation(cmd.collation, meta?.options);
  const geoNear = coll
    ? geoNearSource(stages, meta, (filter) => findRows(ctx.storage, meta, { filter, collation }))
    : undefined;
  const { spec, rest }: { spec: FindSpec; rest: Document[] } =
    geoNear ?? (coll ? leadingFind(stages) : { spec: { filter: {} }, rest: stages });
  // A hinted index is walked in its order: without a leading $sort, results come in that order.
  const hint = isPlainObject(cmd.hint) ? cmd.hint : undefined;
  if (hint && !spec.sort && meta?.indexes.some((ix) => JSON.stringify(ix.keyDoc) === JSON.stringify(hint))) {
    spec.sort = hint;
  }
  const text = !geoNear && hasText(spec.filter);
  const found =
    geoNear?.docs ?? (coll ? docsOf(findRows(ctx.storage, meta, { ...spec, collation })) : [][Symbol.iterator]());
  const source = text ? withScoreField(found) : found;
  const agg = new Aggregator(text ? rewriteScoreMeta(rest) : rest, {
    collectionResolver: resolver(ctx),
    collation,
    ...geoQueryOptions,
  } as never);
  if (cmd.explain) {
    return { ok: 1, stages: pipeline, queryPlanner: { namespace: ns, winningPlan: { stage: 'EMBEDDED' } } };
  }
  const results = mongoErrors(() => agg.stream(source));
  if (out) {
    await writeOut(ctx, out, mongoErrors(() => results.collect<Document>()).map(stripScoreField));
    return firstBatch(ns, [][Symbol.iterator](), batchSize, false, cursorOwner(ctx));
  }
  const encoded = (function* () {
    for (;;) {
      const r = mongoErrors(() => results.next());
      if (r.done) return;
      yield encodeDocument(text ? stripScoreField(r.value as Document) : (r.value as Document));
    }
  })();
  return firstBatch(ns, encoded, batchSize, false, cursorOwner(ctx));
};
