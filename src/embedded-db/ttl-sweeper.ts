// Periodically deletes documents whose TTL-indexed date is older than expireAfterSeconds, like
// MongoDB's TTL monitor (which runs every 60 s; ours is configurable and defaults to 5 s).
import type { Document } from 'bson';
import { num } from './bson-values.js';
import type { Catalog, CollectionMeta } from './catalog.js';
import { deleteDoc } from './doc-writes.js';
import { findRows } from './query-exec.js';
import type { Storage } from './storage.js';

const BATCH = 1000;

/** [date field, seconds] pairs that expire documents: TTL indexes, and a time-series collection's
 * `expireAfterSeconds` on its `timeField` (documents expire one by one rather than by bucket). */
function expiries(meta: CollectionMeta): [string, number][] {
  const out: [string, number][] = [];
  for (const ix of meta.indexes) {
    const only = ix.key.length === 1 ? ix.key[0] : undefined;
    if (ix.expireAfterSeconds !== undefined && only) out.push([only[0], ix.expireAfterSeconds]);
  }
  const ts = meta.options.timeseries as { timeField?: unknown } | undefined;
  const secs = num(meta.options.expireAfterSeconds, NaN);
  if (typeof ts?.timeField === 'string' && Number.isFinite(secs)) out.push([ts.timeField, secs]);
  return out;
}

export async function sweepOnce(storage: Storage, catalog: Catalog): Promise<number> {
  let removed = 0;
  for (const meta of catalog.all()) {
    for (const [field, seconds] of expiries(meta)) {
      const filter: Document = { [field]: { $lt: new Date(Date.now() - seconds * 1000) } };
      for (;;) {
        const n = await storage.write(() => {
          const current = catalog.get(meta.ns);
          if (!current) return 0;
          const rows = [...findRows(storage, current, { filter, limit: BATCH })];
          for (const row of rows) deleteDoc({ storage, catalog }, current, row.doc);
          return rows.length;
        });
        removed += n;
        if (n < BATCH) break;
      }
    }
  }
  return removed;
}

export function startTtlSweeper(
  storage: Storage,
  catalog: Catalog,
  intervalMs: number,
  onError: (e: unknown) => void,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? 0 : sweepOnce(storage, catalog))).catch(onError);
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
