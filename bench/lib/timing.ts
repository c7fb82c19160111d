// Times an async operation many times and gives its percentiles; shared by the embedded-database
// bench and the history scenario.
import { percentile } from './stats.js';

export interface Timing {
  p50: number;
  p99: number;
  runs: number;
}

/** Times `fn` `runs` times; `untimed`, if given, runs before each (not counted). */
export async function timeRuns(
  runs: number,
  fn: () => Promise<unknown>,
  untimed?: () => Promise<unknown>,
): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (untimed) await untimed();
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), runs };
}

/** Inserts `n` documents made by `doc(i)` in batches through `insertMany`; returns inserts/s. */
export async function insertInBatches<T>(
  model: { insertMany(docs: T[], opts: { lean: true }): Promise<unknown> },
  n: number,
  doc: (i: number) => T,
  batch = 1000,
): Promise<number> {
  const t = Date.now();
  for (let start = 0; start < n; start += batch) {
    const docs: T[] = [];
    for (let i = start; i < Math.min(n, start + batch); i++) docs.push(doc(i));
    await model.insertMany(docs, { lean: true });
  }
  return n / Math.max(0.001, (Date.now() - t) / 1000);
}
