// Mongoose-level behaviour the app relies on, against the embedded server (or TEST_MONGO_URL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import mongoose, { Schema, type Connection } from 'mongoose';
import MongoStore from 'connect-mongo';
import { waitFor } from '../helpers/wait.js';
import { startTarget, type TestTarget } from './helpers.js';

interface RoomDoc {
  name: string;
  createdAt: Date;
}
interface MessageDoc {
  room: mongoose.Types.ObjectId;
  author?: string;
  clientId?: string;
  text?: string;
  sentAt?: Date;
  score?: number;
}

describe('embedded-db via Mongoose', () => {
  let target: TestTarget;
  let conn: Connection;

  const roomSchema = new Schema<RoomDoc>({
    name: { type: String, required: true },
    createdAt: { type: Date, default: Date.now },
  });
  const messageSchema = new Schema<MessageDoc>({
    room: { type: Schema.Types.ObjectId, ref: 'Room', required: true },
    author: String,
    clientId: String,
    text: String,
    sentAt: Date,
    score: Number,
  });
  messageSchema.index({ room: 1, _id: -1 });
  messageSchema.index(
    { author: 1, clientId: 1 },
    { unique: true, partialFilterExpression: { clientId: { $type: 'string' } } },
  );

  before(async () => {
    target = await startTarget();
    conn = await mongoose
      .createConnection(`${target.url}${target.dbName}`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    conn.model('Room', roomSchema);
    const Message = conn.model('Message', messageSchema);
    await Message.init();
  });

  after(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await target.close();
  });

  const Room = () => conn.model<RoomDoc>('Room');
  const Message = () => conn.model<MessageDoc>('Message');

  it('creates, reads, updates and deletes', async () => {
    const room = await Room().create({ name: 'lobby' });
    const found = await Room().findById(room._id).lean();
    assert.equal(found?.name, 'lobby');
    await Room().updateOne({ _id: room._id }, { $set: { name: 'hall' } });
    assert.equal((await Room().findById(room._id).lean())?.name, 'hall');
    await Room().deleteOne({ _id: room._id });
    assert.equal(await Room().findById(room._id), null);
  });

  it('sorts by ObjectId and Date and pages with _id < X', async () => {
    const room = await Room().create({ name: 'paging' });
    const base = Date.now();
    const docs = Array.from({ length: 30 }, (_, i) => ({
      room: room._id,
      text: `m${i}`,
      sentAt: new Date(base - i * 1000),
    }));
    for (const d of docs) await Message().create(d);
    const latest = await Message().find({ room: room._id }).sort({ _id: -1 }).limit(10).lean();
    assert.deepEqual(
      latest.map((m) => m.text),
      Array.from({ length: 10 }, (_, i) => `m${29 - i}`),
    );
    const older = await Message()
      .find({ room: room._id, _id: { $lt: latest[9]!._id } })
      .sort({ _id: -1 })
      .limit(10)
      .lean();
    assert.deepEqual(
      older.map((m) => m.text),
      Array.from({ length: 10 }, (_, i) => `m${19 - i}`),
    );
    const byDate = await Message().find({ room: room._id }).sort({ sentAt: 1 }).limit(3).lean();
    assert.deepEqual(
      byDate.map((m) => m.text),
      ['m29', 'm28', 'm27'],
    );
    const recent = await Message().countDocuments({ room: room._id, sentAt: { $gt: new Date(base - 5500) } });
    assert.equal(recent, 6);
  });

  it('reports unique violations as code 11000', async () => {
    const room = await Room().create({ name: 'unique' });
    await Message().create({ room: room._id, author: 'ann', clientId: 'c1', text: 'a' });
    await assert.rejects(
      Message().create({ room: room._id, author: 'ann', clientId: 'c1', text: 'b' }),
      (e: { code?: number; keyValue?: unknown }) => {
        assert.equal(e.code, 11000);
        assert.deepEqual(e.keyValue, { author: 'ann', clientId: 'c1' });
        return true;
      },
    );
    // Partial index: documents without clientId never collide.
    await Message().create({ room: room._id, author: 'ann', text: 'c' });
    await Message().create({ room: room._id, author: 'ann', text: 'd' });
  });

  it('findOneAndUpdate with new and upsert, updateMany upsert with $setOnInsert', async () => {
    const R = Room();
    const room = await R.create({ name: 'fau' });
    const updated = await R.findOneAndUpdate(
      { _id: room._id },
      { $set: { name: 'fau2' } },
      { returnDocument: 'after' },
    ).lean();
    assert.equal(updated?.name, 'fau2');
    const upserted = await R.findOneAndUpdate(
      { name: 'fresh' },
      { $set: { name: 'fresh' } },
      { returnDocument: 'after', upsert: true },
    ).lean();
    assert.equal(upserted.name, 'fresh');
    assert.ok(upserted.createdAt instanceof Date, 'schema default applied through $setOnInsert');
    const coll = conn.collection('extras');
    await coll.updateMany({ k: 'x' }, { $set: { v: 1 }, $setOnInsert: { born: 'now' } }, { upsert: true });
    await coll.updateMany({ k: 'x' }, { $set: { v: 2 }, $setOnInsert: { born: 'later' } }, { upsert: true });
    const doc = await coll.findOne({ k: 'x' });
    assert.equal(doc?.v, 2);
    assert.equal(doc.born, 'now');
  });

  it('countDocuments, distinct, deleteMany, aggregate with $group/$lookup/$unwind, populate', async () => {
    const a = await Room().create({ name: 'agg-a' });
    const b = await Room().create({ name: 'agg-b' });
    await Message().insertMany([
      { room: a._id, author: 'x', text: '1' },
      { room: a._id, author: 'y', text: '2' },
      { room: b._id, author: 'x', text: '3' },
    ]);
    assert.equal(await Message().countDocuments({ room: a._id }), 2);
    assert.deepEqual((await Message().distinct('author', { room: { $in: [a._id, b._id] } })).sort(), ['x', 'y']);
    const grouped = await Message().aggregate<{ _id: string; n: number }>([
      { $match: { room: { $in: [a._id, b._id] } } },
      { $group: { _id: '$author', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    assert.deepEqual(grouped, [
      { _id: 'x', n: 2 },
      { _id: 'y', n: 1 },
    ]);
    const joined = await Message().aggregate<{ text: string; r: { name: string } }>([
      { $match: { room: { $in: [a._id, b._id] } } },
      { $lookup: { from: 'rooms', localField: 'room', foreignField: '_id', as: 'r' } },
      { $unwind: '$r' },
      { $sort: { text: 1 } },
      { $project: { _id: 0, text: 1, 'r.name': 1 } },
    ]);
    assert.deepEqual(
      joined.map((j) => `${j.text}:${j.r.name}`),
      ['1:agg-a', '2:agg-a', '3:agg-b'],
    );
    const populated = await Message()
      .findOne({ text: '3', room: b._id })
      .populate<{ room: { name: string } }>('room')
      .lean();
    assert.equal(populated?.room.name, 'agg-b');
    const del = await Message().deleteMany({ room: a._id });
    assert.equal(del.deletedCount, 2);
    assert.equal(await Message().countDocuments({ room: a._id }), 0);
  });

  it('iterates cursors over more than 101 documents (getMore)', async () => {
    const room = await Room().create({ name: 'many' });
    await Message().insertMany(Array.from({ length: 350 }, (_, i) => ({ room: room._id, text: `n${i}` })));
    let n = 0;
    for await (const _m of Message().find({ room: room._id }).cursor()) n++;
    assert.equal(n, 350);
    const all = await Message().find({ room: room._id }).batchSize(50).lean();
    assert.equal(all.length, 350);
  });

  it('round-trips numeric BSON types', async () => {
    const { Double, Int32, Long } = mongoose.mongo.BSON;
    const coll = conn.collection('numbers');
    await coll.insertOne({ _id: 'n' as never, d: new Double(5), i: new Int32(5), l: Long.fromNumber(5), f: 2.5 });
    await coll.updateOne({ _id: 'n' as never }, { $set: { other: 1 }, $inc: { d: 1 } });
    const raw = await coll.findOne({ _id: 'n' as never }, { promoteValues: false });
    assert.ok(raw?.d instanceof Double, 'double stays double');
    assert.equal(raw.d.value, 6);
    assert.ok(raw.i instanceof Int32, 'int32 stays int32');
    assert.ok(raw.l instanceof Long, 'int64 stays int64');
    assert.ok(raw.f instanceof Double);
  });

  it('expires documents through a TTL index', async () => {
    const coll = conn.collection('ttl');
    await coll.createIndex({ expires: 1 }, { expireAfterSeconds: 0 }, undefined);
    await coll.insertMany([
      { _id: 'old' as never, expires: new Date(Date.now() - 1000) },
      { _id: 'new' as never, expires: new Date(Date.now() + 3_600_000) },
    ]);
    // A real MongoDB sweeps every 60 s; only wait that long against one.
    const limit = process.env.TEST_MONGO_URL ? 70_000 : 5_000;
    await waitFor(
      async () => (await coll.countDocuments({ _id: 'old' as never })) === 0,
      limit,
      'the expired document to go',
    );
    assert.equal(await coll.countDocuments({ _id: 'new' as never }), 1);
  });

  it('serves connect-mongo set/get/destroy', async () => {
    const store = MongoStore.create({
      client: conn.getClient(),
      dbName: target.dbName,
      collectionName: 'sessions',
    });
    const cb = <T>(fn: (done: (err: unknown, v?: T) => void) => void) => promisify(fn)();
    const session = { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, user: 'ann' };
    await cb((done) => store.set('sid1', session as never, done));
    const got = await cb<{ user?: string }>((done) => store.get('sid1', done as never));
    assert.equal(got?.user, 'ann');
    await cb((done) => store.touch('sid1', session as never, done));
    await cb((done) => store.destroy('sid1', done));
    assert.equal(await cb((done) => store.get('sid1', done as never)), null);
    const indexes = await conn.collection('sessions').indexes();
    assert.ok(indexes.some((ix) => ix.key.expires === 1 && ix.expireAfterSeconds === 0));
    await store.close().catch(() => undefined);
  });
});
