// Query, projection and collection-option rules where mingo and MongoDB differ (found by
// Mongoose's own suite), through the real driver against the embedded server, or a real MongoDB
// with TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Binary, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, UUID, type Db } from 'mongodb';
import { closeDriver, openDriver, type TestTarget } from './helpers.js';

describe('embedded-db query rules', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ({ target, client, db } = await openDriver());
    await db.collection('arrays').insertOne({
      _id: 1 as never,
      tags: [
        { tag: 'bacon', count: 2 },
        { tag: 'eggs', count: 3 },
      ],
      dates: [new Date('2014-07-01T02:00:00Z'), new Date('2014-07-01T04:00:00Z')],
      arr: [1, 2, 3, 4, 5],
      name: 'n',
    });
  });

  after(async () => {
    await closeDriver(target, client, db);
  });

  const arrays = () => db.collection('arrays');

  it('projects a.$ as the element the query matched', async () => {
    const doc = await arrays().findOne({ 'tags.tag': 'eggs' }, { projection: { 'tags.$': 1 } });
    assert.deepEqual(doc, { _id: 1, tags: [{ tag: 'eggs', count: 3 }] });
  });

  it('projects $elemMatch with operators on scalar elements', async () => {
    const doc = await arrays().findOne(
      {},
      { projection: { dates: { $elemMatch: { $gte: new Date('2014-07-01T03:00:00Z') } } } },
    );
    assert.deepEqual(doc, { _id: 1, dates: [new Date('2014-07-01T04:00:00Z')] });
  });

  it('keeps every other field with $slice alone or with exclusions', async () => {
    const alone = await arrays().findOne({}, { projection: { arr: { $slice: [1, 2] } } });
    assert.ok(alone);
    assert.deepEqual(alone.arr, [2, 3]);
    assert.equal(alone.name, 'n');
    const excl = await arrays().findOne({}, { projection: { arr: { $slice: -2 }, name: 0 } });
    assert.ok(excl);
    assert.deepEqual(excl.arr, [4, 5]);
    assert.equal(excl.name, undefined);
    assert.ok(excl.tags);
    const incl = await arrays().findOne({}, { projection: { arr: { $slice: 2 }, name: 1 } });
    assert.deepEqual(incl, { _id: 1, arr: [1, 2], name: 'n' });
  });

  it('$type tells int, double and long apart', async () => {
    const c = db.collection('types');
    await c.insertMany([
      { _id: 'int' as never, v: new Int32(42) },
      { _id: 'double' as never, v: new Double(42) },
      { _id: 'long' as never, v: Long.fromBigInt(9223372036854775807n) },
    ]);
    const ids = async (t: string) => (await c.find({ v: { $type: t } }).toArray()).map((d) => d._id as unknown);
    assert.deepEqual(await ids('int'), ['int']);
    assert.deepEqual(await ids('double'), ['double']);
    assert.deepEqual(await ids('long'), ['long']);
    assert.equal((await ids('number')).length, 3);
  });

  it('$all matches a scalar field equal to every value', async () => {
    const c = db.collection('all');
    await c.insertOne({ _id: 1 as never, title: 'Aristocats', n: 4 });
    assert.equal(await c.countDocuments({ title: { $all: ['Aristocats'] } }), 1);
    assert.equal(await c.countDocuments({ title: { $all: [/^Aristo/] } }), 1);
    assert.equal(await c.countDocuments({ n: { $all: [4] } }), 1);
    assert.equal(await c.countDocuments({ n: { $all: [4, 5] } }), 0);
  });

  it('matches ObjectIds by value, in arrays and arrays of documents, with $eq, $ne, $in and $nin', async () => {
    const c = db.collection('oids');
    const [a, b, other] = [new ObjectId(), new ObjectId(), new ObjectId()];
    await c.insertMany([
      { _id: 'one' as never, ref: a },
      { _id: 'list' as never, ref: [other, a] },
      { _id: 'nested' as never, refs: [{ ref: b }, { ref: other }] },
      { _id: 'hex' as never, ref: a.toHexString() },
      { _id: 'copy' as never, ref: new ObjectId(a.toHexString()) },
      { _id: 'none' as never, n: 1 },
      { _id: 'null' as never, ref: null },
    ]);
    const ids = async (filter: object) =>
      (await c.find(filter).toArray()).map((d) => d._id as unknown as string).sort();
    assert.deepEqual(await ids({ ref: a }), ['copy', 'list', 'one']);
    assert.deepEqual(await ids({ ref: { $eq: a } }), ['copy', 'list', 'one']);
    assert.deepEqual(await ids({ 'refs.ref': b }), ['nested']);
    assert.deepEqual(await ids({ ref: { $ne: a } }), ['hex', 'nested', 'none', 'null']);
    assert.deepEqual(await ids({ ref: { $in: [b, a.toHexString()] } }), ['hex']);
    assert.deepEqual(await ids({ ref: { $in: [a, null] } }), ['copy', 'list', 'nested', 'none', 'null', 'one']);
    assert.deepEqual(await ids({ 'refs.ref': { $in: [other] } }), ['nested']);
    assert.deepEqual(await ids({ ref: { $nin: [a, other] } }), ['hex', 'nested', 'none', 'null']);
    assert.deepEqual(await ids({ $or: [{ _id: 'none' }, { ref: a }], ref: { $exists: true } }), [
      'copy',
      'list',
      'one',
    ]);
    assert.deepEqual(await ids({ refs: { $elemMatch: { ref: other } } }), ['nested']);
    assert.deepEqual(await ids({ ref: { $not: { $eq: a } } }), ['hex', 'nested', 'none', 'null']);
  });

  it('compares BinData by length, then subtype, then bytes; $bits* test BinData', async () => {
    const c = db.collection('bin');
    const short = new Binary(Buffer.from('zz'));
    const long = new Binary(Buffer.from('aaaa'));
    await c.insertMany([
      { _id: 'short' as never, b: short },
      { _id: 'long' as never, b: long },
      { _id: 'uuid' as never, b: new UUID('ff000000-0000-0000-0000-000000000000') },
    ]);
    const gt = await c.find({ b: { $gt: short } }).toArray();
    assert.deepEqual(gt.map((d) => d._id as unknown).sort(), ['long', 'uuid']);
    assert.equal((await c.findOne({ b: { $bitsAllSet: [0, 4] } }))?._id, 'uuid');
    assert.equal(await c.countDocuments({ _id: 'uuid' as never, b: { $bitsAnySet: [8, 9] } }), 0);
  });

  it("uses the collection's default collation for equality and sort", async () => {
    const c = await db.createCollection('collated', { collation: { locale: 'en_US', strength: 1 } });
    await c.insertMany([{ name: 'Zeta' }, { name: 'alpha' }, { name: 'A' }]);
    assert.deepEqual(
      (await c.find({}).sort({ name: 1 }).toArray()).map((d) => d.name as unknown),
      ['A', 'alpha', 'Zeta'],
    );
    assert.equal(await c.countDocuments({ name: 'a' }), 1);
    assert.equal(await c.countDocuments({ name: 'ZETA' }), 1);
    const plain = db.collection('plain');
    await plain.insertMany([{ name: 'Zeta' }, { name: 'alpha' }]);
    const sorted = await plain
      .find({}, { collation: { locale: 'en_US', strength: 1 } })
      .sort({ name: 1 })
      .toArray();
    assert.deepEqual(
      sorted.map((d) => d.name as unknown),
      ['alpha', 'Zeta'],
    );
    assert.deepEqual(
      (await plain.find({}).sort({ name: 1 }).toArray()).map((d) => d.name as unknown),
      ['Zeta', 'alpha'],
    );
    const agg = await plain
      .aggregate([{ $sort: { name: 1 } }], { collation: { locale: 'en_US', strength: 1 } })
      .toArray();
    assert.deepEqual(
      agg.map((d) => d.name as unknown),
      ['alpha', 'Zeta'],
    );
  });

  it('lists a time-series collection as such and acknowledges setParameter', async () => {
    await db.createCollection('ts', { timeseries: { timeField: 'at', metaField: 'meta' }, expireAfterSeconds: 60 });
    const [info] = await db.listCollections({ name: 'ts' }).toArray();
    assert.equal(info?.type, 'timeseries');
    const reply = await client.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: 60 });
    assert.equal(reply.ok, 1);
  });

  it('answers errors as MongoDB does: unknown operator on a missing collection, unknown stage, capped without size', async () => {
    await assert.rejects(
      db
        .collection('missing')
        .find({ a: { $notAnOperator: 1 } })
        .toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
    await assert.rejects(
      arrays()
        .aggregate([{ $fakeStage: {} }])
        .toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 40324,
    );
    await assert.rejects(
      db.createCollection('capped-no-size', { capped: true }),
      (e: unknown) => e instanceof MongoServerError && e.code === 72,
    );
  });

  it('returns aggregate results in the order of a hinted index', async () => {
    const c = db.collection('hinted');
    await c.createIndexes([{ key: { qty: -1, name: -1 } }]);
    await c.insertMany([
      { name: 'Andrew', qty: 4 },
      { name: 'Betty', qty: 5 },
      { name: 'Charlie', qty: 4 },
    ]);
    const docs = await c.aggregate([{ $match: {} }], { hint: { qty: -1, name: -1 } }).toArray();
    assert.deepEqual(
      docs.map((d) => d.name as unknown),
      ['Betty', 'Charlie', 'Andrew'],
    );
  });

  it('hides and unhides an index with collMod', async () => {
    const c = db.collection('hidden');
    await c.createIndexes([{ key: { name: 1 }, name: 'name_1' }]);
    await db.command({ collMod: 'hidden', index: { keyPattern: { name: 1 }, hidden: true } });
    const listed = async () =>
      ((await c.listIndexes().toArray()) as { name?: string; hidden?: boolean }[]).find((ix) => ix.name === 'name_1');
    assert.equal((await listed())?.hidden, true);
    await db.command({ collMod: 'hidden', index: { name: 'name_1', hidden: false } });
    assert.ok(!(await listed())?.hidden);
  });
});
