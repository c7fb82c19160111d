// Where a timed run of database reads spent its time besides the work the app's thread does:
// inside the database thread (serverStatus().embeddedDb.reads), in garbage-collection pauses of
// the app's thread and of the database's (embeddedDb.gc), and waiting for a CPU — the time each
// of the two threads was ready to run but was not scheduled (Linux schedstat), which on a small
// machine is what turns a hop between two threads into milliseconds.
import type { Db } from 'mongodb';
import { takeGcPauses, watchGcPauses, type GcPauses } from '../../src/embedded-db/gc-pauses.js';
import { threadCpu, type ThreadCpu } from '../../src/embedded-db/thread-cpu.js';
import { round } from './stats.js';

export interface ReadBreakdown {
  reads: number;
  /** Time inside the database thread per read command: mean and p99, ms. */
  dbMeanMs: number;
  dbP99Ms: number;
  /** Garbage-collection pause per read (total pause time / reads) and the longest pause, ms. */
  appGcMsPerRead: number;
  appGcMaxMs: number;
  dbGcMsPerRead: number;
  dbGcMaxMs: number;
  /** Time the app's thread and the database's were runnable but waited for a CPU, per read, ms (null off Linux). */
  appCpuWaitMsPerRead: number | null;
  dbCpuWaitMsPerRead: number | null;
}

interface DbStatus {
  reads: { count: number; meanUs: number; p99Us: number };
  gc: GcPauses;
  thread: ThreadCpu | null;
}

const dbStatus = async (db: Db) =>
  ((await db.admin().command({ serverStatus: 1 })) as { embeddedDb: DbStatus }).embeddedDb;

/** Runs `timed` (which makes `reads` database reads) and says where its time went besides. */
export async function withReadBreakdown<T>(
  db: Db,
  reads: number,
  timed: () => Promise<T>,
): Promise<{ result: T; breakdown: ReadBreakdown }> {
  // This thread's pauses, tallied as the database tallies its own (a separate module instance
  // per thread).
  const stopWatching = watchGcPauses();
  takeGcPauses(); // counts afresh from here
  const dbBefore = await dbStatus(db); // counts afresh from here
  const appBefore = threadCpu();
  const result = await timed();
  const appAfter = threadCpu();
  const status = await dbStatus(db);
  await new Promise((resolve) => setImmediate(resolve)); // the observer's last entries
  stopWatching();
  const appGc = takeGcPauses();
  const perRead = (ms: number) => round(ms / Math.max(1, reads), 3);
  return {
    result,
    breakdown: {
      reads: status.reads.count,
      dbMeanMs: round(status.reads.meanUs / 1000, 3),
      dbP99Ms: round(status.reads.p99Us / 1000, 3),
      appGcMsPerRead: perRead(appGc.minorMs + appGc.majorMs),
      appGcMaxMs: round(appGc.maxMs, 2),
      dbGcMsPerRead: perRead(status.gc.minorMs + status.gc.majorMs),
      dbGcMaxMs: round(status.gc.maxMs, 2),
      appCpuWaitMsPerRead: appBefore && appAfter ? perRead(appAfter.waitMs - appBefore.waitMs) : null,
      dbCpuWaitMsPerRead:
        dbBefore.thread && status.thread ? perRead(status.thread.waitMs - dbBefore.thread.waitMs) : null,
    },
  };
}
