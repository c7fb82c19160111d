// One message's latency in gif-chat split into its stages while a load runs: read from the bench
// server (src/latency-stages.ts histograms, and the embedded database's own commit times from its
// serverStatus). `watch` starts the window, `read` ends it.
import type { StageSummary, StagesReport } from '../../src/latency-stages.js';
import type { Remote } from './rpc.js';
import { round } from './stats.js';

/** p50 / p99 / max in ms (batch: messages) of each stage, over one measured window. */
export interface Breakdown {
  stages: Record<string, { p50: number; p99: number; max: number; count: number }>;
  gc: { count: number; totalMs: number; maxMs: number };
  slowest: StagesReport['slowest'];
}

interface DbCommits {
  count: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export async function watch(remote: Remote): Promise<void> {
  await remote.call('stagesStart');
  await remote.call('dbCommits');
}

const ms = (s: StageSummary, k = 1000) => ({
  p50: round(s.p50 / k, 2),
  p99: round(s.p99 / k, 2),
  max: round(s.max / k, 2),
  count: s.count,
});

export async function read(remote: Remote): Promise<Breakdown> {
  const r = await remote.call<StagesReport>('stages');
  const db = await remote.call<DbCommits | null>('dbCommits');
  const stages: Breakdown['stages'] = {};
  for (const [name, s] of Object.entries(r.stages)) stages[name] = ms(s, name === 'batch' ? 1 : 1000);
  if (db) stages.dbCommit = ms({ count: db.count, mean: db.meanUs, p50: db.p50Us, p99: db.p99Us, max: db.maxUs });
  stages.loopDelay = ms(r.loopDelay);
  return { stages, gc: { ...r.gc, totalMs: round(r.gc.totalMs, 1), maxMs: round(r.gc.maxMs, 1) }, slowest: r.slowest };
}

/** What each stage measures, in the order a message meets them (for the report). */
export const STAGE_NAMES: Array<[string, string]> = [
  [
    'handle',
    'frame arrived → queued for storage (parse, checks, chat budget, waiting behind the socket’s earlier frames)',
  ],
  ['queued', 'queued → its write batch formed (waiting for the batch before to be answered)'],
  ['place', 'its place (seq) in the room taken'],
  ['batch', 'messages per insert (count, not ms)'],
  ['commit', 'insertMany sent → answered, as the app sees it (driver, BSON, the database)'],
  ['dbCommit', 'inside the embedded database: write transaction start → durable (lmdb commit + fsync)'],
  ['fanout', 'one message framed once and handed to every socket in the room'],
  [
    'flush',
    'how long a socket’s frames waited for their write (one write per socket, in ~4 ms slices), the longest of each slice',
  ],
  ['loopDelay', 'event-loop delay of the main thread'],
];
