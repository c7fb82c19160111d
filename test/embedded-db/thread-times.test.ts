// serverStatus().embeddedDb reports how long reads took inside the database thread and that
// thread's garbage-collection pauses, each since the previous serverStatus, so a benchmark can
// tell the database's share of a read's latency from the app's and the hops between them; and
// that thread's own CPU time and waits for a CPU.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db, MongoClient } from 'mongodb';
import { closeDriver, openDriver, type TestTarget } from './helpers.js';

interface Times {
  count: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}
interface Status {
  reads: Times;
  commits: Times;
  gc: { minor: number; minorMs: number; major: number; majorMs: number; maxMs: number };
  thread: { runMs: number; waitMs: number } | null;
}

describe('embedded-db thread times', { skip: process.env.TEST_MONGO_URL ? 'embedded-only counters' : false }, () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;
  const status = async () => ((await db.admin().command({ serverStatus: 1 })) as { embeddedDb: Status }).embeddedDb;

  before(async () => {
    ({ target, client, db } = await openDriver());
    const text = 'x'.repeat(1000);
    await db.collection('docs').insertMany(Array.from({ length: 2000 }, (_, i) => ({ i, text })));
  });

  after(() => closeDriver(target, client, db));

  it('counts read commands and their time, not other commands, and starts afresh after each report', async () => {
    await status();
    await db
      .collection('docs')
      .find({ i: { $lt: 50 } })
      .toArray();
    await db.collection('docs').countDocuments({ i: { $gte: 1990 } });
    await db.command({ ping: 1 });
    await db.collection('docs').insertOne({ i: -1 });
    const s = await status();
    assert.equal(s.reads.count, 2, 'a find and the aggregate behind countDocuments; ping and insert are not reads');
    assert.ok(s.reads.meanUs > 0 && s.reads.maxUs >= s.reads.p50Us, JSON.stringify(s.reads));
    assert.equal(s.commits.count, 1, 'the insert');
    const again = await status();
    assert.equal(again.reads.count, 0);
    assert.equal(again.commits.count, 0);
  });

  it("reports the database thread's garbage-collection pauses", async () => {
    await status();
    // Each read decodes and re-encodes 2,000 documents of 1 KB: tens of MB of garbage in that
    // thread, far more than a young generation holds.
    for (let i = 0; i < 20; i++)
      await db
        .collection('docs')
        .find({ text: { $exists: true } })
        .toArray();
    const { gc } = await status();
    assert.ok(gc.minor >= 1 && gc.minorMs > 0, JSON.stringify(gc));
    assert.ok(gc.maxMs > 0 && gc.maxMs <= gc.minorMs + gc.majorMs, JSON.stringify(gc));
    assert.equal((await status()).gc.minor, 0, 'counted afresh');
  });

  it("reports the database thread's own CPU time and its waits for a CPU (Linux), growing with its work", async () => {
    const first = (await status()).thread;
    if (process.platform !== 'linux') {
      assert.equal(first, null);
      return;
    }
    assert.ok(first && first.runMs > 0 && first.waitMs >= 0, JSON.stringify(first));
    for (let i = 0; i < 5; i++)
      await db
        .collection('docs')
        .find({ text: { $exists: true } })
        .toArray();
    const later = (await status()).thread;
    // Decoding and encoding 10,000 documents of 1 KB takes this thread well over a millisecond;
    // the main thread's own time would not show here.
    assert.ok(later && later.runMs - first.runMs > 1, `${JSON.stringify(first)} → ${JSON.stringify(later)}`);
    assert.ok(later.waitMs >= first.waitMs);
  });
});
