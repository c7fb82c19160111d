// The driver watches a server over the streaming protocol: an awaitable hello that allows exhaust
// is answered with moreToCome, then again after every maxAwaitTimeMS. A server that answered once
// and stopped made every heartbeat fail: the driver marked it unknown, cleared its connection pool
// and held every operation for half a second, every heartbeat (every 10 s by default).
// Also run against a real MongoDB with TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { startTarget, type TestTarget } from './helpers.js';

const HEARTBEAT_MS = 500; // the driver's smallest
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('streaming server monitoring', () => {
  let target: TestTarget;
  before(async () => (target = await startTarget()));
  after(() => target.close());

  it('keeps answering the awaitable hello: no failed heartbeat, no cleared pool, no stalled operation', async () => {
    const client = new MongoClient(target.url, { heartbeatFrequencyMS: HEARTBEAT_MS, serverMonitoringMode: 'stream' });
    const awaited: boolean[] = [];
    const failures: string[] = [];
    let cleared = 0;
    client.on('serverHeartbeatSucceeded', (e) => awaited.push(e.awaited));
    client.on('serverHeartbeatFailed', (e) => failures.push(e.failure.message));
    client.on('connectionPoolCleared', () => cleared++);
    await client.connect();
    try {
      const coll = client.db(target.dbName).collection('beats');
      // Operations all along, as the app makes them, through several heartbeats.
      const until = Date.now() + HEARTBEAT_MS * 7;
      for (let i = 0; Date.now() < until; i++) {
        await coll.insertOne({ i });
        await sleep(20);
      }
      assert.deepEqual(failures, [], 'no heartbeat failed');
      assert.equal(cleared, 0, 'the pool was never cleared');
      assert.ok(awaited.filter(Boolean).length >= 4, `streamed heartbeats arrived (${awaited.filter(Boolean).length})`);
      assert.ok((await coll.countDocuments()) > 0);
    } finally {
      await client.close();
    }
  });
});
