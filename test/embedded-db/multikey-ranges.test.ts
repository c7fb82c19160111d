// Range queries over array-valued (multikey) fields must find the same documents with and without an
// index: in MongoDB each bound of {$gt, $lt} may be met by a different element of the array, so
// {a: [1, 10]} matches {a: {$gt: 3, $lt: 5}}. A planner that intersects the bounds into one index
// range (3, 5) would skip it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { startTarget, type TestTarget } from './helpers.js';

const docs: Document[] = [
  { _id: 1, a: [1, 10], g: 'x' },
  { _id: 2, a: 4, g: 'x' },
  { _id: 3, a: [0, 2], g: 'x' },
  { _id: 4, a: 7, g: 'y' },
  { _id: 5, a: [4.5], g: 'x' },
  { _id: 6, a: [], g: 'x' },
  { _id: 7, a: [6, 20], g: 'y' },
  { _id: 8, g: 'x' },
  { _id: 9, a: [{ b: 1 }, { b: 9 }], g: 'x' },
];

const filters: Document[] = [
  { a: { $gt: 3, $lt: 5 } },
  { a: { $gte: 4, $lte: 4 } },
  { a: { $lt: 5, $gt: 3 } },
  { $and: [{ a: { $gt: 3 } }, { a: { $lt: 5 } }] },
  { a: { $gt: 8, $lt: 2 } },
  { g: 'x', a: { $gt: 3, $lt: 5 } },
  { g: 'y', a: { $gt: 6.5, $lt: 7 } },
  { 'a.b': { $gt: 2, $lt: 5 } },
];

const ids = async (c: Collection, filter: Document, sort: Document = { _id: 1 }) =>
  (await c.find(filter).sort(sort).toArray()).map((d) => d._id as unknown as number);

describe('embedded-db range queries on multikey indexes', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;
  const coll = (name: string): Collection => db.collection(name);

  before(async () => {
    target = await startTarget();
    client = await MongoClient.connect(target.url, { serverSelectionTimeoutMS: 5000 });
    db = client.db(target.dbName);
    await coll('byA').createIndex({ a: 1 }, undefined, undefined);
    await coll('byGA').createIndex({ g: 1, a: 1 }, undefined, undefined);
    await coll('byADesc').createIndex({ a: -1 }, undefined, undefined);
    for (const name of ['plain', 'byA', 'byGA', 'byADesc', 'byAB'])
      await coll(name).insertMany(docs.map((d) => ({ ...d })));
    // Built after the arrays are stored: the index build must notice multikey-ness too.
    await coll('byAB').createIndex({ 'a.b': 1 }, undefined, undefined);
  });

  after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await target.close();
  });

  it('finds {a: [1, 10]} for {a: {$gt: 3, $lt: 5}} through an index on a', async () => {
    assert.deepEqual(await ids(coll('byA'), { a: { $gt: 3, $lt: 5 } }), [1, 2, 5]);
    const plan: { queryPlanner?: { winningPlan?: unknown } } = await coll('byA')
      .find({ a: { $gt: 3, $lt: 5 } })
      .explain();
    assert.match(JSON.stringify(plan.queryPlanner?.winningPlan), /IXSCAN/, 'the index must actually be used');
  });

  it('answers every range filter the same with and without each index', async () => {
    for (const filter of filters) {
      const expected = await ids(coll('plain'), filter);
      for (const c of ['byA', 'byGA', 'byADesc', 'byAB'].map(coll)) {
        assert.deepEqual(await ids(c, filter), expected, `${c.collectionName} ${JSON.stringify(filter)}`);
        assert.deepEqual(await ids(c, filter, { _id: -1 }), [...expected].reverse(), `${c.collectionName} sorted`);
        assert.equal(await c.countDocuments(filter), expected.length, `${c.collectionName} count`);
      }
    }
  });

  it('updates and deletes every matching document through the index', async () => {
    const filter = { a: { $gt: 3, $lt: 5 } };
    const expected = await ids(coll('plain'), filter);
    for (const c of ['plain', 'byA', 'byGA', 'byADesc'].map(coll)) {
      assert.equal(
        (await c.updateMany(filter, { $set: { hit: true } })).modifiedCount,
        expected.length,
        c.collectionName,
      );
      assert.deepEqual(await ids(c, { hit: true }), expected, c.collectionName);
      assert.equal((await c.deleteMany(filter)).deletedCount, expected.length, c.collectionName);
      assert.deepEqual(await ids(c, { hit: true }), [], c.collectionName);
    }
  });

  it('gives the same answers through mongoose, with and without the schema index', async () => {
    const conn: Connection = await mongoose.createConnection(`${target.url}${target.dbName}`).asPromise();
    try {
      const make = (name: string, indexed: boolean) => {
        const schema = new Schema({ tags: [Number] });
        if (indexed) schema.index({ tags: 1 });
        return conn.model(name, schema);
      };
      const Indexed = make('Indexed', true);
      const Unindexed = make('Unindexed', false);
      await Promise.all([Indexed.init(), Unindexed.init()]);
      const rows = [{ tags: [1, 10] }, { tags: [4] }, { tags: [2, 3] }, { tags: [] }, { tags: [5, 12, 3] }];
      await Indexed.insertMany(rows);
      await Unindexed.insertMany(rows);
      const q = { tags: { $gt: 3, $lt: 5 } };
      const pick = (list: Array<{ tags: number[] }>) => list.map((d) => d.tags.join(',')).sort();
      const withIndex = pick(await Indexed.find(q).lean());
      assert.deepEqual(withIndex, pick(await Unindexed.find(q).lean()));
      assert.deepEqual(withIndex, ['1,10', '4', '5,12,3']);
    } finally {
      await conn.close();
    }
  });
});
