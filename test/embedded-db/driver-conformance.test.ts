// Raw mongodb-driver behaviour: error shapes and MongoDB semantics where mingo needed fixing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { closeDriver, openDriver, type TestTarget } from './helpers.js';

describe('embedded-db via the mongodb driver', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ({ target, client, db } = await openDriver());
  });

  after(async () => {
    await closeDriver(target, client, db);
  });

  it('compares ObjectIds and Dates like MongoDB ($lt/$gt, sort)', async () => {
    const c = db.collection('cmp');
    const ids = [
      new ObjectId('000000000000000000000001'),
      new ObjectId('00000000000000000000000a'),
      new ObjectId('ff0000000000000000000000'),
    ];
    await c.insertMany(ids.map((_id, i) => ({ _id, at: new Date(1000 * (3 - i)) })));
    await c.insertOne({ _id: 'str' as never, at: 'not a date' });
    assert.deepEqual(
      (
        await c
          .find({ _id: { $lt: ids[2] } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
      ids.slice(0, 2),
    );
    assert.deepEqual(
      (
        await c
          .find({ _id: { $gt: ids[0] } })
          .sort({ _id: -1 })
          .toArray()
      ).map((d) => d._id),
      [ids[2], ids[1]],
    );
    assert.deepEqual(
      (
        await c
          .find({ at: { $lt: new Date(2500) } })
          .sort({ at: 1 })
          .toArray()
      ).map((d) => d._id),
      [ids[2], ids[1]],
    );
    // Type order: strings sort before ObjectIds.
    const all = await c.find({}).sort({ _id: 1 }).toArray();
    assert.equal(all[0]!._id, 'str');
  });

  it('distinguishes null from missing', async () => {
    const c = db.collection('nulls');
    await c.insertMany([{ _id: 1 as never, v: null }, { _id: 2 as never }, { _id: 3 as never, v: 0 }]);
    assert.deepEqual(
      (await c.find({ v: null }).sort({ _id: 1 }).toArray()).map((d) => d._id),
      [1, 2],
    );
    assert.deepEqual(
      (
        await c
          .find({ v: { $exists: true } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
      [1, 3],
    );
    assert.deepEqual(
      (await c.find({ v: { $type: 'null' } }).toArray()).map((d) => d._id),
      [1],
    );
  });

  it('uses MongoDB error shapes', async () => {
    const c = db.collection('errs');
    await c.createIndex({ email: 1 }, { unique: true }, undefined);
    await c.insertOne({ email: 'a' });
    await assert.rejects(
      c.insertOne({ email: 'a' }),
      (e: { code?: number; keyPattern?: unknown; keyValue?: unknown }) => {
        assert.equal(e.code, 11000);
        assert.deepEqual(e.keyPattern, { email: 1 });
        assert.deepEqual(e.keyValue, { email: 'a' });
        return true;
      },
    );
    await c.insertOne({ email: 'b' });
    await assert.rejects(
      c.findOneAndUpdate({ email: 'b' }, { $set: { email: 'a' } }),
      (e: { code?: number; codeName?: string }) => {
        assert.equal(e.code, 11000);
        assert.equal(e.codeName, 'DuplicateKey');
        return true;
      },
    );
    await assert.rejects(db.createCollection('errs'), (e: { code?: number }) => e.code === 48);
    await assert.rejects(db.command({ dropIndexes: 'nope', index: 'x_1' }), (e: { code?: number }) => e.code === 26);
    await assert.rejects(
      db.command({ definitelyNotACommand: 1 }),
      (e: { code?: number; codeName?: string; message?: string }) => {
        assert.equal(e.code, 59);
        assert.equal(e.codeName, 'CommandNotFound');
        assert.match(e.message ?? '', /no such command: 'definitelyNotACommand'/);
        return true;
      },
    );
  });

  it('supports update operators, arrayFilters, replacement and projection', async () => {
    const c = db.collection<{
      _id: string;
      n?: number;
      tags?: string[];
      items?: Array<{ k: number; v: number }>;
      fresh?: boolean;
    }>('upd');
    await c.insertOne({
      _id: 'u',
      n: 1,
      tags: ['a'],
      items: [
        { k: 1, v: 0 },
        { k: 2, v: 0 },
      ],
    });
    await c.updateOne(
      { _id: 'u' },
      { $inc: { n: 2 }, $push: { tags: 'b' }, $set: { 'items.$[it].v': 9 } },
      { arrayFilters: [{ 'it.k': 2 }] },
    );
    const d = await c.findOne({ _id: 'u' }, { projection: { _id: 0, n: 1, tags: 1, items: 1 } });
    assert.deepEqual(d, {
      n: 3,
      tags: ['a', 'b'],
      items: [
        { k: 1, v: 0 },
        { k: 2, v: 9 },
      ],
    });
    await c.replaceOne({ _id: 'u' }, { fresh: true });
    assert.deepEqual(await c.findOne({ _id: 'u' }), { _id: 'u', fresh: true });
    await assert.rejects(
      c.updateOne({ _id: 'u' }, { $set: { _id: 'other' } }),
      (e: { code?: number }) => e.code === 66,
    );
  });

  it('lists collections, indexes and databases; drops them', async () => {
    await db.createCollection('listed');
    await db.collection('listed').createIndex({ a: 1, b: -1 }, { name: 'ab' }, undefined);
    const names = (await db.listCollections({ name: 'listed' }).toArray()).map((c) => c.name);
    assert.deepEqual(names, ['listed']);
    const ix = await db.collection('listed').listIndexes().toArray();
    assert.deepEqual(
      ix.map((i: { name?: unknown }) => i.name),
      ['_id_', 'ab'],
    );
    await db.collection('listed').dropIndex('ab');
    assert.equal((await db.collection('listed').listIndexes().toArray()).length, 1);
    await db.collection('listed').insertOne({ x: 1 });
    const dbs = await client.db('admin').admin().listDatabases();
    assert.ok(dbs.databases.some((d) => d.name === target.dbName));
    assert.equal(await db.collection('listed').drop(), true);
    assert.equal((await db.listCollections({ name: 'listed' }).toArray()).length, 0);
  });

  it('pages big results through getMore and killCursors', async () => {
    const c = db.collection('big');
    await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(100) })));
    const cursor = c.find({}).sort({ i: 1 }).batchSize(100);
    let n = 0;
    for await (const doc of cursor) {
      assert.equal(doc.i, n);
      n++;
    }
    assert.equal(n, 1000);
    const partial = c.find({}).batchSize(10);
    await partial.next();
    await partial.close();
    const counted = await c.aggregate([{ $match: { i: { $gte: 500 } } }, { $count: 'n' }]).toArray();
    assert.deepEqual(counted, [{ n: 500 }]);
    assert.equal(await c.countDocuments({ i: { $lt: 10 } }), 10);
    assert.equal(await c.estimatedDocumentCount(), 1000);
  });
});
