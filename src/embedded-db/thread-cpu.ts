// The calling thread's CPU time and the time it was ready to run but waited for a CPU, from
// Linux's /proc/thread-self/schedstat (null elsewhere). serverStatus reports the database
// thread's under embeddedDb.thread: on a small machine, waiting for a CPU is what turns a hop
// between the app's thread and the database's into milliseconds.
import fs from 'node:fs';

export interface ThreadCpu {
  /** Cumulative ms on a CPU. */
  runMs: number;
  /** Cumulative ms runnable but waiting on a run queue. */
  waitMs: number;
}

export function threadCpu(): ThreadCpu | null {
  try {
    const [run, wait] = fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) return null;
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}
