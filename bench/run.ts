// `npm run bench`: every scenario against gif-chat and, in the same run, against Socket.IO and a
// bare coalescing ws server, each in its own process with load from separate processes; then the
// scale-out scenario, gif-chat and Socket.IO on 1 and 2 instances over Redis.
// BENCH_SCALE=small|tiny shrinks it; BENCH_ROUNDS sets the fan-out rounds; BENCH_OUT picks the results directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, markdown, writeResults, type Results } from './report.js';
import { measureDiskSync } from './lib/disk-sync.js';
import { scaleFrom } from './lib/scale.js';
import { fanoutRounds } from './scenarios/fanout-rounds.js';
import { history } from './scenarios/history.js';
import { idle } from './scenarios/idle.js';
import { persist } from './scenarios/persist.js';
import { scaleout } from './scenarios/scaleout.js';
import { upload } from './scenarios/upload.js';

const scale = scaleFrom();
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_OUT ?? path.resolve(here, '../../bench/results');
const started = performance.now();

async function step<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const value = await fn();
  console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s ${JSON.stringify(value)}`);
  return value;
}

console.log(
  `gif-chat bench, scale ${scale.name} ` +
    `(${scale.members} members, ${scale.idleSockets} idle sockets, ${scale.historyMessages} messages)`,
);
// Fan-out for all three, BENCH_ROUNDS rounds interleaved (3 at full scale; see fanout-rounds.ts).
// Latency at equal offered loads for all three: half of Socket.IO's saturation in round 1, and a
// fixed 100 chats/s into the room (100,000 deliveries/s with 1,000 members).
const rounds = Number(process.env.BENCH_ROUNDS ?? (scale.name === 'full' ? 3 : 1));
const fanoutResults = await fanoutRounds(scale, rounds, [100 * scale.members], step);
// The floor under a server that publishes only what is durable: this disk's fdatasync, measured now.
const diskSync = await step('disk fdatasync', () => Promise.resolve(measureDiskSync(scale.name === 'tiny' ? 50 : 500)));
const results: Results = {
  fanout: fanoutResults,
  idle: {
    us: await step('idle gif-chat', () => idle('us', scale)),
    socketio: await step('idle Socket.IO', () => idle('socketio', scale)),
    ws: await step('idle ws', () => idle('ws', scale)),
  },
  persist: await step('persistence', () => persist(scale)),
  history: await step('history', () => history(scale)),
  upload: await step('upload', () => upload(scale)),
  scaleout: await step('scale-out', () => scaleout(scale, console.log)),
  diskSync,
};
const m = machine(scale, (performance.now() - started) / 1000);
console.log(`\n${markdown(results, m)}\n`);
const report = writeResults(outDir, results, m);
const latest = scale.name === 'full' ? 'latest.json' : `latest-${scale.name}.json`;
console.log(`wrote ${report} and ${latest} (${m.seconds} s)`);
