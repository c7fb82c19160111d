// Benchmark (not a test): inserts/s through Mongoose and p50/p99 of the app's hot query
// (latest 50 messages of a room, and 50 before a random id) on a room with N messages.
// N: BENCH_MESSAGES (default 1,000,000); BENCH_SCALE=small → 100,000.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedDb } from '../src/embedded-db/index.js';
import { insertInBatches, timeRuns } from './lib/timing.js';

const N = Number(process.env.BENCH_MESSAGES ?? (process.env.BENCH_SCALE === 'small' ? 100_000 : 1_000_000));
const BATCH = 1000;

async function timeQueries(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  const { p50, p99 } = await timeRuns(runs, fn);
  console.log(`${label}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (${runs} runs)`);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-bench-'));
const db = await startEmbeddedDb({ dataDir });
try {
  const conn = await mongoose.createConnection(`${db.url}bench`).asPromise();
  const schema = new Schema({ room: Schema.Types.ObjectId, author: String, text: String, createdAt: Date });
  schema.index({ room: 1, _id: -1 });
  const Message = conn.model('Message', schema);
  await Message.init();
  const room = new mongoose.Types.ObjectId();
  const doc = (i: number) => ({ room, author: `user${i % 50}`, text: `message number ${i}`, createdAt: new Date() });

  const singles = 2000;
  let t = Date.now();
  for (let i = 0; i < singles; i++) await Message.create(doc(i));
  const singleRate = singles / ((Date.now() - t) / 1000);
  console.log(`Model.create (one at a time, each durable): ${singleRate.toFixed(0)} inserts/s`);

  t = Date.now();
  const concurrent = 4000;
  const workers = 16;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; i < concurrent; i += workers) await Message.create(doc(i));
    }),
  );
  const concurrentRate = concurrent / ((Date.now() - t) / 1000);
  console.log(`Model.create (${workers} concurrent, group commit): ${concurrentRate.toFixed(0)} inserts/s`);

  const bulk = N - singles - concurrent;
  const bulkRate = await insertInBatches(Message, bulk, doc, BATCH);
  console.log(`Model.insertMany (batches of ${BATCH}): ${bulkRate.toFixed(0)} inserts/s, ${N} messages in the room`);

  await timeQueries('latest 50', 300, () => Message.find({ room }).sort({ _id: -1 }).limit(50).lean());
  const anchors = await Message.find({ room })
    .sort({ _id: -1 })
    .skip(Math.floor(N / 2))
    .limit(1)
    .lean();
  const anchor = anchors[0]!._id;
  await timeQueries('50 before X (mid-room)', 300, () =>
    Message.find({ room, _id: { $lt: anchor } })
      .sort({ _id: -1 })
      .limit(50)
      .lean(),
  );
  const stat = (await conn.db!.admin().command({ serverStatus: 1 })).embeddedDb as unknown;
  console.log('server counters:', stat);
  await conn.close();
} finally {
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
