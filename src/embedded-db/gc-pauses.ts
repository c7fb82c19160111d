// Garbage-collection pauses of the thread the database runs in, reported by serverStatus under
// embeddedDb.gc (the pauses since the previous serverStatus): a read or commit that waits for a
// collection here waits on nothing the app's own figures show.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface GcPauses {
  /** Scavenges (young generation). */
  minor: number;
  minorMs: number;
  /** Mark-compact and the rest (incremental marking steps, weak callbacks). */
  major: number;
  majorMs: number;
  maxMs: number;
}

const empty = (): GcPauses => ({ minor: 0, minorMs: 0, major: 0, majorMs: 0, maxMs: 0 });
let pauses = empty();

/** Starts counting this thread's pauses; the returned function stops. */
export function watchGcPauses(): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const minor = kind === constants.NODE_PERFORMANCE_GC_MINOR;
      if (minor) {
        pauses.minor++;
        pauses.minorMs += e.duration;
      } else {
        pauses.major++;
        pauses.majorMs += e.duration;
      }
      pauses.maxMs = Math.max(pauses.maxMs, e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

/** The pauses since the previous call (ms rounded to µs), and starts counting afresh. */
export function takeGcPauses(): GcPauses {
  const r = (ms: number) => Math.round(ms * 1000) / 1000;
  const p = pauses;
  pauses = empty();
  return { minor: p.minor, minorMs: r(p.minorMs), major: p.major, majorMs: r(p.majorMs), maxMs: r(p.maxMs) };
}
