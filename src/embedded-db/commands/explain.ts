// explain: reports the planner's choice (IDHACK / IXSCAN with index name / COLLSCAN) and, for
// find-like commands, real execution counters from running the query.
import type { Document } from 'bson';
import { isPlainObject, num } from '../bson-values.js';
import { findRows } from '../query-exec.js';
import { planQuery } from '../query-planner.js';
import { stats } from '../stats.js';
import type { Handler } from './types.js';

function describePlan(plan: ReturnType<typeof planQuery> | undefined): Document {
  if (!plan) return { stage: 'EOF' };
  if (plan.kind === 'ids') return { stage: 'IDHACK' };
  if (plan.kind === 'docs') return { stage: 'COLLSCAN', direction: plan.reverse ? 'backward' : 'forward' };
  return {
    stage: 'FETCH',
    inputStage: {
      stage: 'IXSCAN',
      indexName: plan.index.name,
      keyPattern: plan.index.keyDoc,
      direction: plan.reverse ? 'backward' : 'forward',
      isMultiKey: plan.index.multikey,
    },
  };
}

export const explain: Handler = (cmd, _exact, ctx) => {
  const inner = isPlainObject(cmd.explain) ? cmd.explain : {};
  const name = Object.keys(inner)[0] ?? '';
  const coll = typeof inner[name] === 'string' ? inner[name] : '';
  const ns = `${ctx.db}.${coll}`;
  const meta = ctx.catalog.get(ns);
  let filter: Document = {};
  if (isPlainObject(inner.filter)) filter = inner.filter;
  else if (isPlainObject(inner.query)) filter = inner.query;
  else if (Array.isArray(inner.pipeline) && isPlainObject(inner.pipeline[0]) && isPlainObject(inner.pipeline[0].$match))
    filter = inner.pipeline[0].$match;
  const sort = isPlainObject(inner.sort) ? inner.sort : undefined;
  const plan = meta ? planQuery(meta, filter, sort) : undefined;
  const before = { docs: stats.docsExamined, keys: stats.keysExamined };
  const t = Date.now();
  let nReturned = 0;
  for (const _row of findRows(ctx.storage, meta, {
    filter,
    sort,
    skip: num(inner.skip),
    limit: Math.abs(num(inner.limit)),
  }))
    nReturned++;
  const winningPlan = describePlan(plan);
  return {
    queryPlanner: { namespace: ns, parsedQuery: filter, winningPlan, rejectedPlans: [] },
    executionStats: {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: Date.now() - t,
      totalKeysExamined: stats.keysExamined - before.keys,
      totalDocsExamined: stats.docsExamined - before.docs,
      executionStages: winningPlan,
    },
    command: inner,
    serverInfo: { host: 'embedded-db', version: '6.0.0' },
    ok: 1,
  };
};
