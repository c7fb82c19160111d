// What every bench server process answers over IPC: its CPU time, its memory (after a full GC
// when asked), and the peak RSS between two calls, sampled every few milliseconds.
import { serve, type Handlers } from '../lib/rpc.js';

export interface CpuSample {
  /** user + system CPU of the whole process (every thread), µs. */
  cpuUs: number;
}
export interface MemSample {
  heapUsed: number;
  rss: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function fullGc(): Promise<void> {
  if (!gc) throw new Error('start the server with --expose-gc');
  // A few passes with turns between them, so finalizers and weak callbacks settle.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

let peak = 0;
let watch: NodeJS.Timeout | undefined;

export function serveStats(extra: Handlers = {}): void {
  serve({
    cpu: (): CpuSample => {
      const u = process.cpuUsage();
      return { cpuUs: u.user + u.system };
    },
    mem: async (): Promise<MemSample> => {
      await fullGc();
      const m = process.memoryUsage();
      return { heapUsed: m.heapUsed, rss: m.rss };
    },
    rssWatchStart: (): number => {
      peak = process.memoryUsage.rss();
      clearInterval(watch);
      watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
      return peak;
    },
    rssWatchStop: (): number => {
      clearInterval(watch);
      return Math.max(peak, process.memoryUsage.rss());
    },
    ...extra,
  });
}

/** Tells the parent the server is listening. */
export function ready(port: number): void {
  process.send?.({ ready: true, port });
}
