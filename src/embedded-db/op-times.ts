// How long this thread's work takes, as histograms in microseconds, reported by serverStatus under
// embeddedDb (what happened since the previous serverStatus), so a benchmark can tell the
// database's share of a latency from the app's and the hops' between them:
// - commits: a write transaction from start to durable on disk (the work, lmdb's commit, fsync);
// - reads: a read command (find, getMore, aggregate, count, distinct) from its message being taken
//   up to its reply handed to the socket (parse, plan, lmdb reads, matching, encoding).
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface OpTimes {
  count: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

const commits = createHistogram();
const reads = createHistogram();

const READ_COMMANDS = new Set(['find', 'getMore', 'aggregate', 'count', 'distinct']);

function recordSince(h: RecordableHistogram, startedMs: number): void {
  h.record(Math.max(1, Math.round((performance.now() - startedMs) * 1000)));
}

export function recordCommit(startedMs: number): void {
  recordSince(commits, startedMs);
}

/** Records `command` (a command's name) when it is a read. */
export function recordRead(command: string, startedMs: number): void {
  if (READ_COMMANDS.has(command)) recordSince(reads, startedMs);
}

function take(h: RecordableHistogram): OpTimes {
  const n = h.count;
  const times = {
    count: n,
    meanUs: n ? Math.round(h.mean) : 0,
    p50Us: n ? h.percentile(50) : 0,
    p99Us: n ? h.percentile(99) : 0,
    maxUs: n ? h.max : 0,
  };
  h.reset();
  return times;
}

/** The commits since the previous call, and starts counting afresh. */
export function takeCommitTimes(): OpTimes {
  return take(commits);
}

/** The reads since the previous call, and starts counting afresh. */
export function takeReadTimes(): OpTimes {
  return take(reads);
}
