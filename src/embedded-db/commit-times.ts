// How long write transactions take from start to durable on disk (the work, lmdb's commit and its
// fsync), as a histogram in microseconds, reported by serverStatus under embeddedDb.commits (the
// commits since the previous serverStatus) so a benchmark can tell the database's share of a
// message's latency from the app's.
import { createHistogram } from 'node:perf_hooks';

const commits = createHistogram();

export function recordCommit(startedMs: number): void {
  commits.record(Math.max(1, Math.round((performance.now() - startedMs) * 1000)));
}

/** The commits since the previous call, and starts counting afresh. */
export function takeCommitTimes(): { count: number; meanUs: number; p50Us: number; p99Us: number; maxUs: number } {
  const n = commits.count;
  const times = {
    count: n,
    meanUs: n ? Math.round(commits.mean) : 0,
    p50Us: n ? commits.percentile(50) : 0,
    p99Us: n ? commits.percentile(99) : 0,
    maxUs: n ? commits.max : 0,
  };
  commits.reset();
  return times;
}
