// The history scenario in latest.json and in the report: the pages' latencies, and where the
// database reads' time went besides the app's own work (bench/lib/read-breakdown.ts).
import type { ReadBreakdown } from './lib/read-breakdown.js';
import type { HistoryResult } from './scenarios/history-worker.js';

function breakdownJson(b: ReadBreakdown): Record<string, number | null> {
  return {
    db_mean_ms: b.dbMeanMs,
    db_p99_ms: b.dbP99Ms,
    app_gc_ms_per_read: b.appGcMsPerRead,
    app_gc_max_ms: b.appGcMaxMs,
    db_gc_ms_per_read: b.dbGcMsPerRead,
    db_gc_max_ms: b.dbGcMaxMs,
    app_cpu_wait_ms_per_read: b.appCpuWaitMsPerRead,
    db_cpu_wait_ms_per_read: b.dbCpuWaitMsPerRead,
  };
}

export function historyJson(h: HistoryResult): Record<string, unknown> {
  return {
    p50_ms: h.latest.p50,
    p99_ms: h.latest.p99,
    messages: h.messages,
    live_p50_ms: h.latestLive.p50,
    live_p99_ms: h.latestLive.p99,
    read_p50_ms: h.latestRead.p50,
    read_p99_ms: h.latestRead.p99,
    before_mid_p50_ms: h.beforeMid.p50,
    before_mid_p99_ms: h.beforeMid.p99,
    scroll_back_p50_ms: h.scrollBack.p50,
    scroll_back_p99_ms: h.scrollBack.p99,
    breakdown: {
      read: breakdownJson(h.breakdown.latestRead),
      before_mid: breakdownJson(h.breakdown.beforeMid),
      scroll_back: breakdownJson(h.breakdown.scrollBack),
    },
  };
}

/** One line per timed database read path: its latency beside where the time went. */
export function historyBreakdownLines(h: HistoryResult): string[] {
  const paths = [
    ['latest page read from the database', h.latestRead, h.breakdown.latestRead],
    ['mid-room page, its place given', h.beforeMid, h.breakdown.beforeMid],
    ['scrolling back', h.scrollBack, h.breakdown.scrollBack],
  ] as const;
  return [
    'History reads, where the time went (per read, ms): p50 / p99 of the read · inside the database thread ' +
      'mean / p99 · GC pauses app thread / database thread (longest) · waiting for a CPU app thread / database thread',
    ...paths.map(([name, t, b]) => {
      const wait = `${b.appCpuWaitMsPerRead ?? 'n/a'} / ${b.dbCpuWaitMsPerRead ?? 'n/a'}`;
      return (
        `- ${name}: ${t.p50} / ${t.p99} · ${b.dbMeanMs} / ${b.dbP99Ms} · ${b.appGcMsPerRead} (${b.appGcMaxMs}) / ` +
        `${b.dbGcMsPerRead} (${b.dbGcMaxMs}) · ${wait}`
      );
    }),
  ];
}
