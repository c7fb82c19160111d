// Scenario: scale-out. One room whose sockets are spread evenly over 1 or 2 instances of a server,
// a fixed offered chat rate from senders on every instance, for gif-chat (instances sharing one
// standalone database and, with 2, one redis-server) and Socket.IO 4.8 (with 2 instances through
// @socket.io/redis-adapter). Per configuration: how many of the expected deliveries arrived before
// a deadline ("delivered x of y": a server that does not cross instances must not hang the run),
// how many crossed instances, send→receive latency (local and cross-instance apart), and the CPU
// of the server processes, the database and redis-server per delivery.
import type { Scale } from '../lib/scale.js';
import { percentile, round, sleep } from '../lib/stats.js';
import { fillRoom, type FilledRoom } from './room.js';
import { configName, startConfig, type CpuParts, type ScaleoutConfig, type StartedConfig } from './scaleout-setup.js';

export interface ScaleoutRun {
  name: string;
  kind: ScaleoutConfig['kind'];
  instances: number;
  redis: boolean;
  sent: number;
  /** sent × members: every socket in the room, the sender's included, gets every chat. */
  expected: number;
  delivered: number;
  /** Deliveries to a socket on another instance than the sender's. */
  crossDelivered: number;
  deliveredPerS: number;
  p50Ms: number;
  p99Ms: number;
  localP50Ms: number;
  localP99Ms: number;
  crossP50Ms: number;
  crossP99Ms: number;
  latencySamples: number;
  /** CPU µs per delivery of everything serving the chat: servers + database + redis-server. */
  cpuUsPerDelivery: number;
  cpuS: CpuParts;
}

export interface ScaleoutResult {
  members: number;
  chatsPerS: number;
  senders: number;
  seconds: number;
  /** When it ran (ISO): `npm run bench:scaleout` reruns this scenario alone into latest.json. */
  measuredAt: string;
  runs: ScaleoutRun[];
}

/** Chat text after the markers, so frames are about the size of a short chat line. */
const PAD = 40;
/** Every 5th socket of the first load process measures latency: odd, so both instances sample. */
const SAMPLE_EVERY = 5;

export const CONFIGS: ScaleoutConfig[] = [
  { kind: 'us', instances: 1, redis: false },
  { kind: 'us', instances: 1, redis: true },
  { kind: 'us', instances: 2, redis: true },
  { kind: 'socketio', instances: 1, redis: false },
  { kind: 'socketio', instances: 1, redis: true },
  { kind: 'socketio', instances: 2, redis: true },
];

const sum = (parts: CpuParts) => parts.servers + parts.db + parts.redis;
const minus = (a: CpuParts, b: CpuParts): CpuParts => ({
  servers: a.servers - b.servers,
  db: a.db - b.db,
  redis: a.redis - b.redis,
});

/**
 * Waits until the room is quiet (joins and earlier chats are all delivered), then clears counts.
 * Quiet means a whole second without a delivery: on a loaded machine a shorter lull let the
 * warm-up's last chats arrive inside the measurement (440 of 400 delivered, once).
 */
async function settle(room: FilledRoom): Promise<void> {
  for (let quiet = 0, i = 0; quiet < 4 && i < 100; i++) {
    await sleep(250);
    const got = (await room.take()).reduce((n, t) => n + t.received, 0);
    quiet = got === 0 ? quiet + 1 : 0;
  }
}

async function measure(config: ScaleoutConfig, started: StartedConfig, scale: Scale): Promise<ScaleoutRun> {
  const room = await fillRoom(started.servers, scale.scaleoutMembers, scale.loadProcesses, 10, SAMPLE_EVERY);
  try {
    const members = scale.scaleoutMembers;
    const rate = scale.scaleoutChatsPerS;
    const sendArgs = { rate, senders: scale.scaleoutSenders, ms: scale.scaleoutMs, pad: PAD };
    // A first second at the same rate warms every process's code paths (JIT, connection pools)
    // and is not counted.
    await settle(room);
    await room.loads[0]!.call<number>('send', { ...sendArgs, ms: Math.min(1000, scale.scaleoutMs) });
    await settle(room);
    const cpu0 = await started.cpu();
    const t0 = performance.now();
    const sent = await room.loads[0]!.call<number>('send', sendArgs);
    const expected = sent * members;
    // Count until everything arrived, nothing came for `deadlineMs`, or `giveUp` (a server still
    // trickling long after the offer ended); time and CPU are taken at the last poll that brought
    // deliveries, so waiting for what never comes costs nothing.
    const deadlineMs = Math.max(2000, scale.scaleoutMs / 2);
    const giveUp = performance.now() + 2 * scale.scaleoutMs + deadlineMs;
    let delivered = 0;
    let crossDelivered = 0;
    const local: number[] = [];
    const cross: number[] = [];
    let lastGot = performance.now();
    let tEnd = lastGot;
    let cpu1 = await started.cpu();
    while (delivered < expected && performance.now() - lastGot < deadlineMs && performance.now() < giveUp) {
      await sleep(100);
      const taken = await room.take();
      const got = taken.reduce((n, t) => n + t.received, 0);
      for (const t of taken) {
        crossDelivered += t.crossReceived;
        for (const ms of t.latencies) local.push(ms);
        for (const ms of t.crossLatencies) cross.push(ms);
      }
      if (got > 0) {
        delivered += got;
        lastGot = tEnd = performance.now();
        cpu1 = await started.cpu();
      }
    }
    const all = local.concat(cross);
    const cpu = minus(cpu1, cpu0);
    return {
      name: configName(config),
      ...config,
      sent,
      expected,
      delivered,
      crossDelivered,
      deliveredPerS: round(delivered / ((tEnd - t0) / 1000), 0),
      p50Ms: round(percentile(all, 50), 2),
      p99Ms: round(percentile(all, 99), 2),
      localP50Ms: round(percentile(local, 50), 2),
      localP99Ms: round(percentile(local, 99), 2),
      crossP50Ms: round(percentile(cross, 50), 2),
      crossP99Ms: round(percentile(cross, 99), 2),
      latencySamples: all.length,
      cpuUsPerDelivery: round(sum(cpu) / Math.max(1, delivered), 2),
      cpuS: { servers: round(cpu.servers / 1e6, 3), db: round(cpu.db / 1e6, 3), redis: round(cpu.redis / 1e6, 3) },
    };
  } finally {
    await room.close();
  }
}

export async function scaleout(scale: Scale, log: (line: string) => void = () => undefined): Promise<ScaleoutResult> {
  const runs: ScaleoutRun[] = [];
  for (const config of CONFIGS) {
    const started = await startConfig(config);
    try {
      const run = await measure(config, started, scale);
      log(
        `    ${run.name}: delivered ${run.delivered} of ${run.expected} (${run.crossDelivered} across instances), ` +
          `p50/p99 ${run.p50Ms}/${run.p99Ms} ms, ${run.cpuUsPerDelivery} µs CPU per delivery`,
      );
      runs.push(run);
    } finally {
      await started.stop();
    }
  }
  return {
    members: scale.scaleoutMembers,
    chatsPerS: scale.scaleoutChatsPerS,
    senders: scale.scaleoutSenders,
    seconds: scale.scaleoutMs / 1000,
    measuredAt: new Date().toISOString(),
    runs,
  };
}
