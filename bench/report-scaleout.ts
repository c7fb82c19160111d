// The scale-out scenario's part of the report: its table, its lines for the dated results file,
// and its `scaleout` section of latest.json, including the cost of the Redis hop per server kind.
import type { ScaleoutResult, ScaleoutRun } from './scenarios/scaleout.js';
import { round } from './lib/stats.js';

/**
 * What crossing instances costs one kind of server at the same offered load, from its 1-instance
 * run without Redis to its 2-instance run over Redis: latency added to a cross-instance delivery
 * (its p50/p99 minus the 1-instance p50/p99), and the extra CPU (servers + database + redis)
 * divided by the deliveries that crossed. Null when nothing crossed.
 */
export function redisHop(runs: ScaleoutRun[], kind: ScaleoutRun['kind']) {
  const one = runs.find((r) => r.kind === kind && r.instances === 1 && !r.redis);
  const two = runs.find((r) => r.kind === kind && r.instances === 2);
  if (!one || !two || two.crossDelivered === 0) {
    return {
      added_p50_ms: null,
      added_p99_ms: null,
      cross_minus_local_p50_ms: null,
      extra_cpu_us_per_cross_delivery: null,
    };
  }
  const extraCpuUs = (two.cpuUsPerDelivery - one.cpuUsPerDelivery) * two.delivered;
  return {
    added_p50_ms: round(two.crossP50Ms - one.p50Ms, 2),
    added_p99_ms: round(two.crossP99Ms - one.p99Ms, 2),
    /** Within the 2-instance run itself: cross-instance p50 minus same-instance p50. */
    cross_minus_local_p50_ms: round(two.crossP50Ms - two.localP50Ms, 2),
    extra_cpu_us_per_cross_delivery: round(extraCpuUs / two.crossDelivered, 2),
  };
}

const runJson = (r: ScaleoutRun) => ({
  instances: r.instances,
  redis: r.redis,
  sent: r.sent,
  expected_deliveries: r.expected,
  delivered: r.delivered,
  cross_instance_delivered: r.crossDelivered,
  delivered_per_s: r.deliveredPerS,
  p50_ms: r.p50Ms,
  p99_ms: r.p99Ms,
  local_p50_ms: r.localP50Ms,
  local_p99_ms: r.localP99Ms,
  cross_p50_ms: r.crossP50Ms,
  cross_p99_ms: r.crossP99Ms,
  latency_samples: r.latencySamples,
  cpu_us_per_delivery: r.cpuUsPerDelivery,
  cpu_s_servers: r.cpuS.servers,
  cpu_s_db: r.cpuS.db,
  cpu_s_redis: r.cpuS.redis,
});

export function scaleoutJson(s: ScaleoutResult) {
  return {
    members: s.members,
    offered_chats_per_s: s.chatsPerS,
    offered_deliveries_per_s: s.chatsPerS * s.members,
    senders: s.senders,
    seconds: s.seconds,
    measured_at: s.measuredAt,
    ...Object.fromEntries(s.runs.map((r) => [r.name, runJson(r)])),
    us_redis_hop: redisHop(s.runs, 'us'),
    socketio_redis_hop: redisHop(s.runs, 'socketio'),
  };
}

const LABELS: Record<string, string> = {
  us_1: 'gif-chat, 1 instance',
  us_1_redis: 'gif-chat, 1 instance, REDIS_URL',
  us_2_redis: 'gif-chat, 2 instances, REDIS_URL',
  socketio_1: 'Socket.IO, 1 instance',
  socketio_1_redis: 'Socket.IO, 1 instance, redis-adapter',
  socketio_2_redis: 'Socket.IO, 2 instances, redis-adapter',
};

const n = (x: number) => (Number.isFinite(x) ? x.toLocaleString('en-US') : 'n/a');
const ms = (a: number, b: number) => (Number.isFinite(a) ? `${a} / ${b}` : '—');
const row = (...cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

export function scaleoutMarkdown(s: ScaleoutResult): string {
  const header = [
    `Scale-out: ${s.members} sockets in one room spread evenly over the instances, ` +
      `${s.chatsPerS} chats/s offered (${n(s.chatsPerS * s.members)} deliveries/s) from ${s.senders} senders ` +
      `on all instances for ${s.seconds} s`,
    '',
    row(
      'Configuration',
      'Delivered (of expected)',
      'Across instances',
      'Deliveries/s',
      'p50 / p99 ms, all',
      'p50 / p99 ms, cross-instance',
      'CPU µs per delivery (servers + db + redis)',
    ),
    '|---|---|---|---|---|---|---|',
  ];
  const rows = s.runs.map((r) =>
    row(
      LABELS[r.name] ?? r.name,
      `${n(r.delivered)} of ${n(r.expected)}`,
      n(r.crossDelivered),
      n(r.deliveredPerS),
      ms(r.p50Ms, r.p99Ms),
      ms(r.crossP50Ms, r.crossP99Ms),
      `${r.cpuUsPerDelivery} (${r.cpuS.servers} + ${r.cpuS.db} + ${r.cpuS.redis} s)`,
    ),
  );
  const hops = (['us', 'socketio'] as const).map((kind) => {
    const who = kind === 'us' ? 'gif-chat' : 'Socket.IO';
    const one = s.runs.find((r) => r.kind === kind && r.instances === 1 && !r.redis);
    const two = s.runs.find((r) => r.kind === kind && r.instances === 2);
    const h = redisHop(s.runs, kind);
    if (!one || !two || h.extra_cpu_us_per_cross_delivery === null) {
      return `- ${who}: no delivery crossed instances, so there is no Redis hop to show yet.`;
    }
    return (
      `- ${who}: cross-instance deliveries p50 / p99 ${two.crossP50Ms} / ${two.crossP99Ms} ms, against ` +
      `${two.localP50Ms} / ${two.localP99Ms} ms for same-instance ones in that run and ` +
      `${one.p50Ms} / ${one.p99Ms} ms on 1 instance; CPU ${h.extra_cpu_us_per_cross_delivery} µs more per ` +
      'delivery that crossed (2 instances over Redis against 1 without, everything counted).'
    );
  });
  return [...header, ...rows, '', 'The Redis hop:', ...hops].join('\n');
}
