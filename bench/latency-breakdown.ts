// `npm run bench:latency`: where one message's milliseconds go in gif-chat at one offered load,
// quicker than the whole bench. Fills a room, warms up (WARM=<deliveries/s>, by default the load
// itself), drains, then offers LOAD deliveries/s (default 26,000) for SECONDS (default 6) and prints
// the send→receive distribution, each stage's p50 / p99 / max, the slowest messages through the
// writer, and when the slow ones were sent (a stall shows as one cluster).
import { read, STAGE_NAMES, watch } from './lib/breakdown.js';
import { measureDiskSync } from './lib/disk-sync.js';
import { startBenchServer } from './lib/procs.js';
import { scaleFrom } from './lib/scale.js';
import { percentile, round, sleep } from './lib/stats.js';
import { drain } from './scenarios/fanout.js';
import { fillRoom } from './scenarios/room.js';

const scale = scaleFrom();
const load = Number(process.env.LOAD ?? 26_000);
const seconds = Number(process.env.SECONDS ?? 6);
const disk = measureDiskSync();
const server = await startBenchServer('us');
const room = await fillRoom(server, scale.members, scale.loadProcesses, scale.tabsPerVisitor, 10);
try {
  const send = (deliveriesPerS: number, ms: number) =>
    room.loads[0]!.call('send', { rate: deliveriesPerS / scale.members, senders: scale.senders, ms, pad: 40 });
  await send(Number(process.env.WARM ?? load), 2000);
  await drain(room);
  await room.take();
  await watch(server.remote);
  await send(load, seconds * 1000);
  await sleep(1000);
  const breakdown = await read(server.remote);
  const { latencies, sentAt } = (await room.take())[0]!;
  const q = (p: number) => round(percentile(latencies, p), 1);
  console.log(
    `${latencies.length} samples at ${load.toLocaleString('en-US')} deliveries/s, ${scale.members} members: ` +
      `p50 ${q(50)}, p90 ${q(90)}, p99 ${q(99)}, max ${round(
        latencies.reduce((a, b) => Math.max(a, b), 0),
        1,
      )} ms`,
  );
  console.log(`disk append + fdatasync: p50 ${disk.p50Ms}, p99 ${disk.p99Ms}, max ${disk.maxMs} ms`);
  for (const [key, what] of STAGE_NAMES) {
    const s = breakdown.stages[key];
    if (s) console.log(`  ${key.padEnd(10)} p50 ${s.p50}  p99 ${s.p99}  max ${s.max}  (n=${s.count})  ${what}`);
  }
  const gc = breakdown.gc;
  console.log(`  gc: ${gc.count} pauses, ${gc.totalMs} ms in all, longest ${gc.maxMs} ms`);
  for (const m of breakdown.slowest) {
    console.log(
      `  slow: ${round(m.totalMs, 1)} ms = queued ${round(m.queuedMs, 1)} + place ${round(m.placeMs, 1)} + commit ${round(m.commitMs, 1)} (batch of ${m.batch})`,
    );
  }
  const t0 = sentAt.reduce((a, b) => Math.min(a, b), Infinity);
  const slow = new Map<number, number>();
  latencies.forEach((ms, i) => {
    if (ms > 100)
      slow.set(
        Math.floor((sentAt[i]! - t0) / 250) * 250,
        (slow.get(Math.floor((sentAt[i]! - t0) / 250) * 250) ?? 0) + 1,
      );
  });
  for (const [at, count] of [...slow].sort((a, b) => a[0] - b[0]))
    console.log(`  > 100 ms: ${count} sent at +${at} ms`);
} finally {
  await room.close();
  await server.stop();
}
