// `npm run bench:fanout`: only the fan-out comparison, in BENCH_ROUNDS interleaved rounds (default
// 3), quicker than the whole bench: each server's saturation, CPU per delivery and latency at the
// same offered loads, the median round's figures with every round's beside them, and the ratios
// the targets are stated in. Writes nothing.
import { scaleFrom } from './lib/scale.js';
import { ratio } from './report.js';
import { fanoutRounds, KINDS, type FanoutOverRounds } from './scenarios/fanout-rounds.js';

const scale = scaleFrom();
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const quiet = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const value = await fn();
  console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return value;
};
const r = await fanoutRounds(scale, rounds, [100 * scale.members], quiet);
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const line = (k: string, f: FanoutOverRounds) =>
  `${k.padEnd(9)} saturation ${n(f.deliveredPerS)} [${f.rounds.deliveredPerS.map(n).join(', ')}], ` +
  `CPU ${f.cpuUsPerDelivery} µs/delivery, half own saturation p50 / p99 ${f.p50Ms} / ${f.p99Ms} ms`;
console.log(`\n${scale.members} members, ${rounds} rounds (median round, every round in brackets)`);
for (const k of KINDS) console.log(line(k, r[k]));
r.us.equalLoads.forEach((at, i) => {
  console.log(`at ${n(at.deliveriesPerS)} deliveries/s, p50 / p99 ms:`);
  for (const k of KINDS) {
    const l = r[k].equalLoads[i];
    if (l) console.log(`  ${k.padEnd(9)} ${l.p50Ms} / ${l.p99Ms} [p99 ${r[k].rounds.equalP99Ms[i]?.join(', ')}]`);
  }
  const p99 = (f: FanoutOverRounds) => f.equalLoads[i]?.p99Ms ?? NaN;
  console.log(`  p99: us / Socket.IO ${ratio(p99(r.us), p99(r.socketio))}, us / ws ${ratio(p99(r.us), p99(r.ws))}`);
});
console.log(
  `fan-out: us / ws ${ratio(r.us.deliveredPerS, r.ws.deliveredPerS)}, ` +
    `us / Socket.IO ${ratio(r.us.deliveredPerS, r.socketio.deliveredPerS)}`,
);
