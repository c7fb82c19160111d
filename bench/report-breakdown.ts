// The latency breakdown's part of the report: where gif-chat's milliseconds went at each load the
// bench measured latency at, beside the disk's own fdatasync times (the floor for a server that
// publishes a message only once it is durable), and its `latency_breakdown` section of latest.json.
import { STAGE_NAMES, type Breakdown } from './lib/breakdown.js';
import type { DiskSync } from './lib/disk-sync.js';
import type { FanoutResult } from './scenarios/fanout.js';

interface Window {
  label: string;
  deliveriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  breakdown: Breakdown;
}

function windows(us: FanoutResult): Window[] {
  const out: Window[] = [];
  if (us.halfBreakdown) {
    const deliveriesPerS = Math.round(us.halfRate * us.members);
    out.push({
      label: 'half own saturation',
      deliveriesPerS,
      p50Ms: us.p50Ms,
      p99Ms: us.p99Ms,
      breakdown: us.halfBreakdown,
    });
  }
  for (const at of us.equalLoads) {
    if (at.breakdown) out.push({ label: 'equal load', ...at, breakdown: at.breakdown });
  }
  return out;
}

export function breakdownJson(us: FanoutResult, disk: DiskSync) {
  return {
    disk_fdatasync: { p50_ms: disk.p50Ms, p99_ms: disk.p99Ms, max_ms: disk.maxMs, samples: disk.samples },
    windows: windows(us).map((w) => ({
      label: w.label,
      deliveries_per_s: w.deliveriesPerS,
      p50_ms: w.p50Ms,
      p99_ms: w.p99Ms,
      stages: w.breakdown.stages,
      gc: w.breakdown.gc,
      slowest: w.breakdown.slowest,
    })),
  };
}

const cell = (s: { p50: number; p99: number; max: number } | undefined) => (s ? `${s.p50} / ${s.p99} / ${s.max}` : '—');

export function breakdownMarkdown(us: FanoutResult, disk: DiskSync): string {
  const ws = windows(us);
  if (ws.length === 0) return '';
  const head = ws.map((w) => `${w.deliveriesPerS.toLocaleString('en-US')}/s (${w.label})`);
  const lines = [
    `Where gif-chat's time went (p50 / p99 / max, ms; send→receive p50 / p99 on top). ` +
      `This disk's append + fdatasync: p50 ${disk.p50Ms}, p99 ${disk.p99Ms}, max ${disk.maxMs} ms (${disk.samples} samples).`,
    '',
    `| Stage | ${head.join(' | ')} |`,
    `|---|${ws.map(() => '---').join('|')}|`,
    `| send→receive | ${ws.map((w) => `${w.p50Ms} / ${w.p99Ms}`).join(' | ')} |`,
    ...STAGE_NAMES.map(
      ([key, what]) => `| ${key}: ${what} | ${ws.map((w) => cell(w.breakdown.stages[key])).join(' | ')} |`,
    ),
    `| garbage collection: pauses, total / longest ms | ${ws.map((w) => `${w.breakdown.gc.count}, ${w.breakdown.gc.totalMs} / ${w.breakdown.gc.maxMs}`).join(' | ')} |`,
  ];
  return lines.join('\n');
}
