// Where a chat message's time goes in this process, as histograms any layer can add to: how long
// its frame waited and was checked, how long it queued for a write batch, how long the batch took
// to get its places and to be stored, how big batches are, and how long fan-out and the flush of
// the sockets' queued frames took; beside them the event loop's delay and garbage collection.
// Recording is a histogram insert (well under a microsecond); nothing reads them unless asked
// (`npm run bench:latency` does, through the bench server).
import { createHistogram, monitorEventLoopDelay, PerformanceObserver, type RecordableHistogram } from 'node:perf_hooks';

/** Durations are recorded in microseconds; `batch` counts messages per insert. */
export const STAGES = ['handle', 'queued', 'place', 'commit', 'batch', 'fanout', 'flush'] as const;
export type Stage = (typeof STAGES)[number];

const histograms = new Map<Stage, RecordableHistogram>(STAGES.map((s) => [s, createHistogram()]));

export function recordStage(stage: Stage, value: number): void {
  histograms.get(stage)?.record(Math.max(1, Math.round(value)));
}

/** Microseconds since `startMs` (a performance.now() reading), recorded under `stage`. */
export function recordSince(stage: Stage, startMs: number): void {
  recordStage(stage, (performance.now() - startMs) * 1000);
}

export interface StageSummary {
  count: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

function summary(h: { count: number; mean: number; max: number; percentile(p: number): number }): StageSummary {
  const count = h.count;
  return {
    count,
    mean: count ? h.mean : 0,
    p50: count ? h.percentile(50) : 0,
    p99: count ? h.percentile(99) : 0,
    max: count ? h.max : 0,
  };
}

/** One slow message's way through the writer, ms. */
export interface SlowMessage {
  totalMs: number;
  queuedMs: number;
  placeMs: number;
  commitMs: number;
  batch: number;
  /** performance.now() when it was handed to the writer. */
  atMs: number;
}
const SLOWEST_KEPT = 5;
let slowest: SlowMessage[] = [];

/** Keeps the few slowest messages seen since `startWatching`. */
export function noteMessage(m: SlowMessage): void {
  if (slowest.length === SLOWEST_KEPT && m.totalMs <= (slowest[SLOWEST_KEPT - 1]?.totalMs ?? 0)) return;
  slowest = [...slowest, m].sort((a, b) => b.totalMs - a.totalMs).slice(0, SLOWEST_KEPT);
}

let loopDelay: ReturnType<typeof monitorEventLoopDelay> | undefined;
let gc = { count: 0, totalMs: 0, maxMs: 0 };
let gcObserver: PerformanceObserver | undefined;

/** Starts (or restarts) watching: clears every histogram, the event-loop delay and the GC tally. */
export function startWatching(): void {
  for (const h of histograms.values()) h.reset();
  slowest = [];
  loopDelay ??= monitorEventLoopDelay({ resolution: 5 });
  loopDelay.disable();
  loopDelay.reset();
  loopDelay.enable();
  gc = { count: 0, totalMs: 0, maxMs: 0 };
  gcObserver ??= new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  gcObserver.disconnect();
  gcObserver.observe({ entryTypes: ['gc'] });
}

export interface StagesReport {
  stages: Record<Stage, StageSummary>;
  /** Event-loop delay, µs (beyond the 5 ms sampling resolution). */
  loopDelay: StageSummary;
  gc: { count: number; totalMs: number; maxMs: number };
  slowest: SlowMessage[];
}

export function stagesReport(): StagesReport {
  const stages = Object.fromEntries(STAGES.map((s) => [s, summary(histograms.get(s) ?? createHistogram())]));
  // monitorEventLoopDelay reports nanoseconds.
  const d = loopDelay ? summary(loopDelay) : summary(createHistogram());
  const us = (ns: number) => ns / 1000;
  return {
    stages: stages as Record<Stage, StageSummary>,
    loopDelay: { count: d.count, mean: us(d.mean), p50: us(d.p50), p99: us(d.p99), max: us(d.max) },
    gc: { ...gc },
    slowest,
  };
}
