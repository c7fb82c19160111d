// The app's hot query must be a key-range scan: with 20,000 messages in a room, "latest 50" and
// "50 before X" examine about 50 documents (serverStatus().embeddedDb.docsExamined).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { startTarget, type TestTarget } from './helpers.js';

interface Msg {
  room: mongoose.Types.ObjectId;
  seq: number;
}

describe('embedded-db index use', { skip: process.env.TEST_MONGO_URL ? 'reads embedded-only counters' : false }, () => {
  let target: TestTarget;
  let conn: Connection;
  let Message: Model<Msg>;
  const room = new mongoose.Types.ObjectId();
  const other = new mongoose.Types.ObjectId();
  const N = 20_000;

  before(async () => {
    target = await startTarget({ forceEmbedded: true });
    conn = await mongoose.createConnection(`${target.url}${target.dbName}`).asPromise();
    const schema = new Schema<Msg>({ room: Schema.Types.ObjectId, seq: Number });
    schema.index({ room: 1, _id: -1 });
    Message = conn.model<Msg>('Message', schema);
    await Message.init();
    const coll = Message.collection;
    for (let start = 0; start < N; start += 2000) {
      const batch = [];
      for (let i = start; i < start + 2000; i++) {
        batch.push({ _id: new mongoose.Types.ObjectId(), room: room, seq: i });
        if (i % 4 === 0) batch.push({ _id: new mongoose.Types.ObjectId(), room: other, seq: i });
      }
      await coll.insertMany(batch, { ordered: false });
    }
  });

  after(async () => {
    await conn.close();
    await target.close();
  });

  async function examined(run: () => Promise<unknown>): Promise<{ docs: number; keys: number }> {
    const stat = async () =>
      (await conn.db!.admin().command({ serverStatus: 1 })).embeddedDb as {
        docsExamined: number;
        keysExamined: number;
      };
    const a = await stat();
    await run();
    const b = await stat();
    return { docs: b.docsExamined - a.docsExamined, keys: b.keysExamined - a.keysExamined };
  }

  it('reads only the latest page', async () => {
    let page: Msg[] = [];
    const cost = await examined(async () => {
      page = await Message.find({ room }).sort({ _id: -1 }).limit(50).lean();
    });
    assert.deepEqual(
      page.map((m) => m.seq),
      Array.from({ length: 50 }, (_, i) => N - 1 - i),
    );
    assert.ok(cost.docs <= 51, `examined ${cost.docs} documents`);
  });

  it('reads only the page before X', async () => {
    const anchor = await Message.findOne({ room, seq: 10_000 }).lean();
    let page: Array<Msg & { _id: mongoose.Types.ObjectId }> = [];
    const cost = await examined(async () => {
      page = await Message.find({ room, _id: { $lt: anchor!._id } })
        .sort({ _id: -1 })
        .limit(50)
        .lean();
    });
    assert.deepEqual(
      page.map((m) => m.seq),
      Array.from({ length: 50 }, (_, i) => 9_999 - i),
    );
    assert.ok(cost.docs <= 51, `examined ${cost.docs} documents`);
    assert.ok(cost.keys <= 52, `examined ${cost.keys} keys`);
  });

  it('counts and filters correctly via the index', async () => {
    assert.equal(await Message.countDocuments({ room: other }), N / 4);
    const cost = await examined(() => Message.find({ room: other }).sort({ _id: 1 }).limit(10).lean());
    assert.ok(cost.docs <= 11);
  });
});
