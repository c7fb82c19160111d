// Turns the scenario results into the markdown table, the dated results file and latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Scale } from './lib/scale.js';
import { round } from './lib/stats.js';
import { breakdownJson, breakdownMarkdown } from './report-breakdown.js';
import { scaleoutJson, scaleoutMarkdown } from './report-scaleout.js';
import type { DiskSync } from './lib/disk-sync.js';
import type { FanoutOverRounds } from './scenarios/fanout-rounds.js';
import type { HistoryResult } from './scenarios/history-worker.js';
import { historyBreakdownLines, historyJson } from './report-history.js';
import type { IdleResult } from './scenarios/idle.js';
import type { PersistResult } from './scenarios/persist.js';
import type { ScaleoutResult } from './scenarios/scaleout.js';
import type { UploadResult } from './scenarios/upload.js';

export interface Results {
  fanout: Record<'us' | 'socketio' | 'ws', FanoutOverRounds>;
  idle: Record<'us' | 'socketio' | 'ws', IdleResult>;
  persist: PersistResult;
  history: HistoryResult;
  upload: UploadResult;
  scaleout: ScaleoutResult;
  /** The disk's own append + fdatasync times, measured in the same run. */
  diskSync: DiskSync;
}

const require = createRequire(import.meta.url);
const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;

export function machine(scale: Scale, seconds: number) {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    ws: version('ws'),
    socketio: version('socket.io'),
    socketio_redis_adapter: version('@socket.io/redis-adapter'),
    mongoose: version('mongoose'),
    scale: scale.name,
    date: new Date().toISOString(),
    seconds: round(seconds, 0),
  };
}

export function latestJson(r: Results, m: ReturnType<typeof machine>) {
  return {
    fanout: {
      us: r.fanout.us.deliveredPerS,
      socketio: r.fanout.socketio.deliveredPerS,
      ws: r.fanout.ws.deliveredPerS,
      p99_ms: r.fanout.us.p99Ms,
      us_cpu_us_per_delivery: r.fanout.us.cpuUsPerDelivery,
      p50_ms: r.fanout.us.p50Ms,
      members: r.fanout.us.members,
      socketio_cpu_us_per_delivery: r.fanout.socketio.cpuUsPerDelivery,
      ws_cpu_us_per_delivery: r.fanout.ws.cpuUsPerDelivery,
      socketio_p99_ms: r.fanout.socketio.p99Ms,
      ws_p99_ms: r.fanout.ws.p99Ms,
      // Each server's saturation in every round (the figures above are the median round's).
      rounds: r.fanout.us.rounds.deliveredPerS.length,
      us_runs: r.fanout.us.rounds.deliveredPerS,
      socketio_runs: r.fanout.socketio.rounds.deliveredPerS,
      ws_runs: r.fanout.ws.rounds.deliveredPerS,
      // Latency at equal offered loads: half of Socket.IO's saturation, and a fixed load.
      equal_load: equalLoad(r, 0),
      equal_load_fixed: equalLoad(r, 1),
    },
    idle: {
      heap_kb_per_conn: r.idle.us.heapKbPerConn,
      rss_kb_per_conn: r.idle.us.rssKbPerConn,
      socketio_heap_kb_per_conn: r.idle.socketio.heapKbPerConn,
      socketio_rss_kb_per_conn: r.idle.socketio.rssKbPerConn,
      ws_heap_kb_per_conn: r.idle.ws.heapKbPerConn,
      sockets: r.idle.us.sockets,
    },
    persist: { msgs_per_s: r.persist.msgsPerS, delivered_per_s: r.persist.deliveredPerS, sockets: r.persist.sockets },
    history: historyJson(r.history),
    upload: {
      peak_rss_mb_delta: r.upload.peakRssMbDelta,
      ms_to_everyone: r.upload.msToEveryone,
      bytes: r.upload.bytes,
      members: r.upload.members,
    },
    scaleout: scaleoutJson(r.scaleout),
    latency_breakdown: breakdownJson(r.fanout.us, r.diskSync),
    machine: m,
  };
}

const n = (x: number) => (Number.isFinite(x) ? x.toLocaleString('en-US') : 'n/a');
/** The three servers' latency at the `i`th equal load of the run (the same offered load for all). */
function equalLoad(r: Results, i: number): Record<string, number | number[]> | null {
  const [us, sio, ws] = [r.fanout.us, r.fanout.socketio, r.fanout.ws].map((f) => f.equalLoads[i]);
  if (!us || !sio || !ws) return null;
  return {
    deliveries_per_s: us.deliveriesPerS,
    us_p50_ms: us.p50Ms,
    us_p99_ms: us.p99Ms,
    us_p999_ms: us.p999Ms,
    us_max_ms: us.maxMs,
    socketio_p50_ms: sio.p50Ms,
    socketio_p99_ms: sio.p99Ms,
    socketio_p999_ms: sio.p999Ms,
    socketio_max_ms: sio.maxMs,
    ws_p50_ms: ws.p50Ms,
    ws_p99_ms: ws.p99Ms,
    ws_p999_ms: ws.p999Ms,
    ws_max_ms: ws.maxMs,
    // Every round's p99 at this load (the figures above are the median round's).
    us_p99_runs: r.fanout.us.rounds.equalP99Ms[i] ?? [],
    socketio_p99_runs: r.fanout.socketio.rounds.equalP99Ms[i] ?? [],
    ws_p99_runs: r.fanout.ws.rounds.equalP99Ms[i] ?? [],
  };
}

/** The range over the rounds, ` (label min–max)`, when there were several; '' otherwise. */
function range(runs: number[], show: (x: number) => string = String, label = ''): string {
  if (runs.length < 2) return '';
  return ` (${label}${show(Math.min(...runs))}–${show(Math.max(...runs))})`;
}

export const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
/** One markdown table row; an empty cell is written `| |`. */
const row = (...cells: Array<string | number>) => `|${cells.map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`;

export function markdown(r: Results, m: ReturnType<typeof machine>): string {
  const f = r.fanout;
  const rounds = f.us.rounds.deliveredPerS.length;
  const i = r.idle;
  const lines = [
    row(
      'Scenario',
      'gif-chat',
      `Socket.IO ${m.socketio}`,
      `bare ws ${m.ws} (framed once, coalesced)`,
      'us / Socket.IO',
      'us / ws',
      'Target',
    ),
    '|---|---|---|---|---|---|---|',
    row(
      `Fan-out, ${f.us.members} sockets in one room: delivered msgs/s at saturation` +
        (rounds > 1 ? ` (median of ${rounds} rounds; range)` : ''),
      n(f.us.deliveredPerS) + range(f.us.rounds.deliveredPerS, n),
      n(f.socketio.deliveredPerS) + range(f.socketio.rounds.deliveredPerS, n),
      n(f.ws.deliveredPerS) + range(f.ws.rounds.deliveredPerS, n),
      ratio(f.us.deliveredPerS, f.socketio.deliveredPerS),
      ratio(f.us.deliveredPerS, f.ws.deliveredPerS),
      '≥ 5× Socket.IO, ≥ 0.8× ws',
    ),
    row(
      'Server CPU per delivery at saturation (µs)',
      f.us.cpuUsPerDelivery,
      f.socketio.cpuUsPerDelivery,
      f.ws.cpuUsPerDelivery,
      '',
      '',
      '≤ 2 µs',
    ),
    row(
      'Send→receive latency at half saturation, p50 / p99 (ms)',
      `${f.us.p50Ms} / ${f.us.p99Ms}`,
      `${f.socketio.p50Ms} / ${f.socketio.p99Ms}`,
      `${f.ws.p50Ms} / ${f.ws.p99Ms}`,
      '',
      '',
      'p99 ≤ 50 ms',
    ),
    ...f.us.equalLoads.map((at, i) => {
      const cell = (x: FanoutOverRounds) => {
        const l = x.equalLoads[i];
        const p99s = range(x.rounds.equalP99Ms[i] ?? [], String, 'p99 ');
        return l ? `${l.p50Ms} / ${l.p99Ms} / ${l.p999Ms} / ${l.maxMs}${p99s}` : 'n/a';
      };
      return row(
        `Latency at ${n(at.deliveriesPerS)} deliveries/s for all three, p50 / p99 / p99.9 / max (ms)` +
          (rounds > 1 ? ', the round with the median p99 (p99 range)' : ''),
        cell(f.us),
        cell(f.socketio),
        cell(f.ws),
        '',
        '',
        i === 0 ? 'p99 ≤ Socket.IO, ≤ 1.5× ws' : '',
      );
    }),
    row(
      `Idle, ${n(i.us.sockets)} authenticated sockets: heap KB per connection`,
      i.us.heapKbPerConn,
      i.socketio.heapKbPerConn,
      i.ws.heapKbPerConn,
      ratio(i.us.heapKbPerConn, i.socketio.heapKbPerConn),
      ratio(i.us.heapKbPerConn, i.ws.heapKbPerConn),
      '≤ 4 KB',
    ),
    row('Idle: RSS KB per connection', i.us.rssKbPerConn, i.socketio.rssKbPerConn, i.ws.rssKbPerConn, '', '', ''),
    row(
      `Persisted chat msgs/s (stored, acked, broadcast; ${r.persist.sockets} sockets in ${r.persist.rooms} rooms)`,
      n(r.persist.msgsPerS),
      '—',
      '—',
      '',
      '',
      '≥ 5,000',
    ),
    row(
      `History: latest-50 page on ${n(r.history.messages)} messages, p50 / p99 (ms): served (kept in memory) / ` +
        'with a chat arriving before each read / read from the database (first open)',
      `${r.history.latest.p50} / ${r.history.latest.p99} · ${r.history.latestLive.p50} / ${r.history.latestLive.p99} · ` +
        `${r.history.latestRead.p50} / ${r.history.latestRead.p99}`,
      '—',
      '—',
      '',
      '',
      'p99 ≤ 5 ms',
    ),
    row(
      'History: 50 before a mid-room message, p50 / p99 (ms): a new place each time / scrolling back',
      `${r.history.beforeMid.p50} / ${r.history.beforeMid.p99} · ${r.history.scrollBack.p50} / ${r.history.scrollBack.p99}`,
      '—',
      '—',
      '',
      '',
      'p99 ≤ 5 ms',
    ),
    row(
      `Upload ${(r.upload.bytes / 1024 / 1024).toFixed(1)} MB GIF: ms until all ${r.upload.members} sockets have it` +
        ' / server peak RSS delta (MB)',
      `${r.upload.msToEveryone} / ${r.upload.peakRssMbDelta}`,
      '—',
      '—',
      '',
      '',
      'memory flat',
    ),
  ];
  return [...lines, '', breakdownMarkdown(r.fanout.us, r.diskSync), '', scaleoutMarkdown(r.scaleout)].join('\n');
}

export function writeResults(dir: string, r: Results, m: ReturnType<typeof machine>): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${m.date.slice(0, 10)}${m.scale === 'full' ? '' : `-${m.scale}`}.md`);
  const body = [
    `# Benchmark ${m.date.slice(0, 10)} (${m.scale} scale)`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; ` +
      `ws ${m.ws}, socket.io ${m.socketio} (redis-adapter ${m.socketio_redis_adapter}), mongoose ${m.mongoose}. ` +
      `Run took ${m.seconds} s.`,
    '',
    markdown(r, m),
    '',
    `Fan-out steps (offered → delivered msgs/s, CPU µs/delivery):`,
    ...(['us', 'socketio', 'ws'] as const).map((k) => {
      const { steps, halfRate, latencySamples } = r.fanout[k];
      const offered = steps.map((s) => `${n(s.offered)} → ${n(s.delivered)} (${s.cpuUsPerDelivery})`);
      const latency = `latency measured at ${halfRate} msgs/s into the room (${latencySamples} samples)`;
      return `- ${k}: ${offered.join(', ')}; ${latency}`;
    }),
    `- persistence: ${r.persist.sockets} sockets in ${r.persist.rooms} rooms × ${r.persist.window} chats in flight; ` +
      `${n(r.persist.deliveredPerS)} deliveries/s to the room`,
    `- history: filled at ${n(r.history.insertsPerS)} inserts/s; ${r.history.latest.runs} pages each; ` +
      'a mid-room page before a new message each time (its place given, as the transcript asks), and scrolling back page by page',
    '',
    ...historyBreakdownLines(r.history),
    '',
  ].join('\n');
  writeFileSync(file, body);
  // Only a full run is latest.json, the figure compared over time; smaller runs get their own name.
  const json = m.scale === 'full' ? 'latest.json' : `latest-${m.scale}.json`;
  writeFileSync(path.join(dir, json), `${JSON.stringify(latestJson(r, m), null, 2)}\n`);
  return file;
}
