// The durability floor: how long this machine's disk takes to make a small append durable
// (write 4 KB + fdatasync), in the directory the bench servers keep their data. A server that
// acknowledges and publishes a message only once it is on disk can be no faster than this; a
// server that keeps nothing (the Socket.IO and bare ws peers) pays none of it.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, round } from './stats.js';

export interface DiskSync {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function measureDiskSync(samples = 500): DiskSync {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gifchat-bench-sync-'));
  const fd = openSync(path.join(dir, 'probe'), 'w');
  const block = Buffer.alloc(4096, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    samples,
    p50Ms: round(percentile(times, 50), 2),
    p99Ms: round(percentile(times, 99), 2),
    maxMs: round(Math.max(...times), 2),
  };
}
