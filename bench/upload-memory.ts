// `npm run bench:upload-memory`: what an upload costs the server in memory. The real server runs
// as a child process (started like every bench server: --expose-gc, limits raised for the bench
// only, here UPLOAD_MAX_BYTES to 24 MB). Each GIF (1, 5 and 20 MB; "filler" and "frames", see
// upload/big-gifs.ts) is posted through real multipart HTTP. Per upload: the server's heap and
// RSS after a full GC before and after it, and its peak RSS during it — the kernel's high-water
// mark (VmHWM in /proc/<pid>/status), reset before each upload by writing 5 to clear_refs.
// Prints a table and writes bench/results/upload-memory.json (or into BENCH_OUT).
import { openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemSample } from './peers/server-stats.js';
import { startBenchServer, type BenchServer } from './lib/procs.js';
import { round } from './lib/stats.js';
import { createRoom, enterRoom, newSession, type Session } from './load/visitors.js';
import { writeGif, type GifKind } from './upload/big-gifs.js';

const MB = 1024 * 1024;
/** UPLOAD_BENCH_MB=1,5 picks other sizes (the smoke test uploads one small GIF of each kind). */
const SIZES_MB = (process.env.UPLOAD_BENCH_MB ?? '1,5,20').split(',').map(Number);
const KINDS: GifKind[] = ['filler', 'frames'];
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_OUT ?? path.resolve(here, '../../bench/results');
const mb = (bytes: number) => round(bytes / MB, 1);

/** The process's peak RSS so far, in bytes (VmHWM), and a reset of it. */
const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

/**
 * Samples the process's anonymous memory (heaps, buffers: RssAnon) and its mapped file pages
 * (RssFile) every 5 ms from outside it, so a busy event loop in the server cannot hide a peak.
 */
function watchRss(pid: number): () => { anon: number; file: number } {
  const peak = { anon: 0, file: 0 };
  const read = () => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    peak.anon = Math.max(peak.anon, Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1]) * 1024);
    peak.file = Math.max(peak.file, Number(/RssFile:\s+(\d+) kB/.exec(status)?.[1]) * 1024);
  };
  read();
  const timer = setInterval(read, 5);
  return () => {
    clearInterval(timer);
    read();
    return peak;
  };
}

async function post(server: BenchServer, owner: Session, roomId: string, file: string): Promise<{ webp: boolean }> {
  const form = new FormData();
  form.append('gif', await openAsBlob(file, { type: 'image/gif' }), path.basename(file));
  const res = await fetch(`${server.origin}/room/${roomId}/gif`, {
    method: 'POST',
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, accept: 'application/json' },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload of ${path.basename(file)}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { message?: { gif?: { webp?: string | null } } };
  return { webp: Boolean(body.message?.gif?.webp) };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'gif-upload-memory-'));
const server = await startBenchServer('us', {
  UPLOAD_MAX_BYTES: String(Math.ceil(Math.max(...SIZES_MB) + 4) * MB),
  GIF_CONVERT_TIMEOUT_MS: '300000',
});
const pid = server.remote.child.pid!;
try {
  const owner = await newSession(server.origin);
  const roomId = await createRoom(owner, 'Upload memory', 5);
  const socket = await enterRoom(owner, roomId);
  // Warm up once (sharp and libvips load, thread pools start), outside the figures.
  await post(server, owner, roomId, (await writeGif(dir, 'frames', 200_000)).file);
  const rows = [];
  for (const kind of KINDS) {
    for (const size of SIZES_MB) {
      const gif = await writeGif(dir, kind, size * MB - 8192);
      const before = await server.remote.call<MemSample>('mem');
      resetPeak(pid);
      const stopWatch = watchRss(pid);
      const t0 = performance.now();
      const { webp } = await post(server, owner, roomId, gif.file);
      const ms = performance.now() - t0;
      const peak = peakRss(pid);
      const parts = stopWatch();
      const after = await server.remote.call<MemSample>('mem');
      rows.push({
        kind,
        file_mb: mb(gif.size),
        frames: gif.frames,
        upload_ms: round(ms, 0),
        webp_kept: webp,
        heap_before_mb: mb(before.heapUsed),
        heap_after_gc_mb: mb(after.heapUsed),
        rss_before_mb: mb(before.rss),
        peak_rss_mb: mb(peak),
        peak_rss_delta_mb: mb(peak - before.rss),
        peak_rss_anon_mb: mb(parts.anon),
        peak_rss_file_mb: mb(parts.file),
        rss_after_gc_mb: mb(after.rss),
      });
      console.log(`  ${kind} ${mb(gif.size)} MB: ${JSON.stringify(rows.at(-1))}`);
    }
  }
  socket.close();
  const conditions =
    `${os.cpus().length}-core ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; server in its own process ` +
    `(embedded database in its worker thread), uploads one at a time over loopback; load average ${os.loadavg()[0]!.toFixed(1)}`;
  console.log(
    [
      '',
      '| GIF | Size | Upload | Heap after GC, before → after | Peak RSS (Δ over RSS before) | of which anon / file, peaks | RSS after GC |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.kind}${r.kind === 'frames' ? `, ${r.frames} frames 480×360` : ''} | ${r.file_mb} MB | ${r.upload_ms} ms` +
          ` | ${r.heap_before_mb} → ${r.heap_after_gc_mb} MB | ${r.peak_rss_mb} MB (+${r.peak_rss_delta_mb})` +
          ` | ${r.peak_rss_anon_mb} / ${r.peak_rss_file_mb} MB | ${r.rss_after_gc_mb} MB |`,
      ),
      '',
      conditions,
    ].join('\n'),
  );
  const json = { measured_at: new Date().toISOString(), conditions, uploads: rows };
  writeFileSync(path.join(outDir, 'upload-memory.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${path.join(outDir, 'upload-memory.json')}`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
