// Scenario 1, fan-out: `members` sockets in one room, chat sent at rising rates. Reports delivered
// messages/s at saturation, the server's CPU per delivery there, send→receive latency at half of
// its own saturation, and latency at offered loads given by the caller (the same loads for every
// server in a run, so latency is compared at equal load).
import type { Scale } from '../lib/scale.js';
import { read, watch, type Breakdown } from '../lib/breakdown.js';
import { startBenchServer, type BenchServer } from '../lib/procs.js';
import { percentile, round, sleep } from '../lib/stats.js';
import type { ServerKind } from '../load/dialects.js';
import { fillRoom, type FilledRoom } from './room.js';

export interface FanoutResult {
  kind: ServerKind;
  members: number;
  /** Delivered messages per second at saturation (the best step). */
  deliveredPerS: number;
  cpuUsPerDelivery: number;
  steps: Array<{ offered: number; delivered: number; cpuUsPerDelivery: number }>;
  halfRate: number;
  p50Ms: number;
  p99Ms: number;
  latencySamples: number;
  /** Latency at each offered load the caller asked for (deliveries/s into the room). */
  equalLoads: LatencyAt[];
  /** gif-chat only: where its time went at half of its own saturation. */
  halfBreakdown?: Breakdown;
}

export interface LatencyAt {
  deliveriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  samples: number;
  /** gif-chat only: where its time went in this window. */
  breakdown?: Breakdown;
}

/** Chat text after the timestamp marker, so frames are about the size of a short chat line. */
const PAD = 40;

async function cpu(room: { remote: { call<T>(m: string): Promise<T> } }): Promise<number> {
  return (await room.remote.call<{ cpuUs: number }>('cpu')).cpuUs;
}

/** Waits until nothing more arrives for a while (the previous step's backlog is delivered). */
export async function drain(room: FilledRoom): Promise<void> {
  for (let quiet = 0, i = 0; quiet < 2 && i < 100; i++) {
    await sleep(150);
    const got = (await room.take()).reduce((n, t) => n + t.received, 0);
    quiet = got === 0 ? quiet + 1 : 0;
  }
}

/** Send→receive latency while chats go into the room at `deliveriesPerS` (deliveries, not chats). */
/** Chats into the room at `rate` per second; the sampled latencies, and gif-chat's breakdown. */
async function measure(
  server: BenchServer,
  room: FilledRoom,
  scale: Scale,
  rate: number,
): Promise<{ latencies: number[]; breakdown?: Breakdown }> {
  await room.take();
  const ours = server.kind === 'us';
  if (ours) await watch(server.remote);
  await room.loads[0]!.call('send', { rate, senders: scale.senders, ms: scale.stepMs * 1.5, pad: PAD });
  await sleep(300);
  const breakdown = ours ? await read(server.remote) : undefined;
  const latencies = (await room.take()).flatMap((t) => t.latencies);
  return { latencies, breakdown };
}

async function latencyAt(
  server: BenchServer,
  room: FilledRoom,
  scale: Scale,
  deliveriesPerS: number,
): Promise<LatencyAt> {
  await drain(room);
  const { latencies, breakdown } = await measure(server, room, scale, deliveriesPerS / scale.members);
  return {
    deliveriesPerS: round(deliveriesPerS, 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    p999Ms: round(percentile(latencies, 99.9), 2),
    maxMs: round(
      latencies.reduce((a, b) => Math.max(a, b), 0),
      2,
    ),
    samples: latencies.length,
    breakdown,
  };
}

/**
 * `equalLoads` names the offered loads (deliveries/s) to measure latency at, given this server's
 * own saturation (Socket.IO's half saturation is only known once Socket.IO has run).
 */
export async function fanout(
  kind: ServerKind,
  scale: Scale,
  equalLoads: (saturation: number) => number[] = () => [],
): Promise<FanoutResult> {
  const server = await startBenchServer(kind);
  const room = await fillRoom(server, scale.members, scale.loadProcesses, scale.tabsPerVisitor, 10);
  try {
    const sender = room.loads[0]!;
    await drain(room);
    const steps: FanoutResult['steps'] = [];
    let short = 0;
    for (const offered of scale.fanoutSteps) {
      const rate = offered / scale.members;
      await room.take();
      const cpu0 = await cpu(server);
      const t0 = performance.now();
      await sender.call('send', { rate, senders: scale.senders, ms: scale.stepMs, pad: PAD });
      const got = (await room.take()).reduce((n, t) => n + t.received, 0);
      const seconds = (performance.now() - t0) / 1000;
      const cpuUs = (await cpu(server)) - cpu0;
      steps.push({ offered, delivered: got / seconds, cpuUsPerDelivery: cpuUs / Math.max(1, got) });
      await drain(room);
      // Saturated: the server delivered clearly less than it was offered, twice in a row (one
      // short step on a shared 2-core machine can be a hiccup, and the best step is kept anyway).
      short = got / seconds < 0.8 * offered ? short + 1 : 0;
      if (short === 2) break;
    }
    const best = steps.reduce((a, b) => (b.delivered > a.delivered ? b : a));
    const halfRate = best.delivered / 2 / scale.members;
    const { latencies, breakdown: halfBreakdown } = await measure(server, room, scale, halfRate);
    const atEqualLoads: LatencyAt[] = [];
    for (const load of equalLoads(best.delivered)) atEqualLoads.push(await latencyAt(server, room, scale, load));
    return {
      kind,
      members: scale.members,
      deliveredPerS: round(best.delivered, 0),
      cpuUsPerDelivery: round(best.cpuUsPerDelivery, 2),
      steps: steps.map((s) => ({
        offered: s.offered,
        delivered: round(s.delivered, 0),
        cpuUsPerDelivery: round(s.cpuUsPerDelivery, 2),
      })),
      halfRate: round(halfRate, 1),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      latencySamples: latencies.length,
      equalLoads: atEqualLoads,
      halfBreakdown,
    };
  } finally {
    await room.close();
    await server.stop();
  }
}
