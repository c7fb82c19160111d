// Update rules where mingo and MongoDB differ (found by Mongoose's own suite), through the real
// driver against the embedded server, or a real MongoDB with TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Binary, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { closeDriver, openDriver, type TestTarget } from './helpers.js';

describe('embedded-db update rules', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ({ target, client, db } = await openDriver());
  });

  after(async () => {
    await closeDriver(target, client, db);
  });

  it('sets two fields under the element matched by $ (no conflict at the array)', async () => {
    const c = db.collection('positional');
    await c.insertOne({ _id: 1 as never, comments: [{ body: 'a' }, { body: 'been there', n: 0 }] });
    await c.updateOne(
      { _id: 1 as never, 'comments.body': 'been there' },
      { $set: { 'comments.$.title': 'T' }, $inc: { 'comments.$.n': 2 }, $addToSet: { 'comments.$.tags': 'x' } },
    );
    const doc = await c.findOne({ _id: 1 as never });
    assert.deepEqual(doc?.comments, [{ body: 'a' }, { body: 'been there', n: 2, title: 'T', tags: ['x'] }]);
  });

  it('fails $ when the query did not match an element', async () => {
    const c = db.collection('positional-miss');
    await c.insertOne({ _id: 1 as never, a: [{ x: 1 }], b: 1 });
    await assert.rejects(
      c.updateOne({ b: 1 }, { $set: { 'a.$.x': 2 } }),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
  });

  it('sets two fields under elements selected by $[id] and arrayFilters', async () => {
    const c = db.collection('array-filters');
    const a = new ObjectId();
    const b = new ObjectId();
    await c.insertOne({
      _id: 1 as never,
      items: [
        { _id: a, k: 'x' },
        { _id: b, k: 'y' },
      ],
    });
    await c.updateOne(
      { _id: 1 as never },
      { $set: { 'items.$[e].k': 'z', 'items.$[e].v': 1 } },
      { arrayFilters: [{ 'e._id': b }] },
    );
    const doc = await c.findOne({ _id: 1 as never });
    assert.deepEqual(doc?.items, [
      { _id: a, k: 'x' },
      { _id: b, k: 'z', v: 1 },
    ]);
  });

  it('accepts $-prefixed field names in $set when an upsert inserts, and refuses them on updates', async () => {
    const c = db.collection('dollar-fields');
    await c.updateOne({ _id: 1 as never }, { $set: { $myKey: 'v', $each: { count: 42 } } }, { upsert: true });
    const doc = await c.findOne({ _id: 1 as never });
    assert.ok(doc);
    assert.equal(doc.$myKey, 'v');
    assert.deepEqual(doc.$each, { count: 42 });
    await assert.rejects(c.updateOne({ _id: 1 as never }, { $set: { $myKey: 'w' } }), MongoServerError);
  });

  it('$pull with an $or condition queries each element', async () => {
    const c = db.collection('pull-or');
    await c.insertOne({ _id: 1 as never, ticks: [{ name: 'eggs' }, { name: 'bacon' }, { name: 'coffee' }] });
    await c.updateOne(
      { _id: 1 as never },
      { $pull: { ticks: { $or: [{ name: 'eggs' }, { name: 'bacon' }] } } as never },
    );
    assert.deepEqual((await c.findOne({ _id: 1 as never }))?.ticks, [{ name: 'coffee' }]);
  });

  it('refuses to create a field inside an array (PathNotViable)', async () => {
    const c = db.collection('not-viable');
    await c.insertOne({ _id: 1 as never, comments: [{ body: 'a' }] });
    await assert.rejects(
      c.updateOne({ _id: 1 as never }, { $set: { 'comments.body': 'x' } }),
      (e: unknown) => e instanceof MongoServerError && e.code === 28,
    );
  });

  it('changes the subtype of BinData with $set', async () => {
    const c = db.collection('bindata');
    await c.insertOne({ _id: 1 as never, buf: new Binary(Buffer.from('hi'), 128) });
    await c.updateOne({ _id: 1 as never }, { $set: { buf: new Binary(Buffer.from('hi'), 0) } });
    const doc = await c.findOne({ _id: 1 as never });
    assert.equal((doc?.buf as Binary).sub_type, 0);
  });

  it('keeps an own __proto__ field of a $set value', async () => {
    const c = db.collection('proto');
    await c.insertOne({ _id: 1 as never, path1: {} });
    const value: Record<string, unknown> = {};
    Object.defineProperty(value, '__proto__', { value: 'abcd', enumerable: true, writable: true, configurable: true });
    await c.updateOne({ _id: 1 as never }, { $set: { path1: value } });
    const raw = await c.findOne({ _id: 1 as never });
    const path1 = raw?.path1 as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(path1, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(path1, '__proto__')?.value, 'abcd');
  });

  it('refuses array operators on a non-array and $inc on a non-number', async () => {
    const c = db.collection('operands');
    await c.insertOne({ _id: 1 as never, num: 42, s: 'x' });
    await assert.rejects(
      c.updateOne({ _id: 1 as never }, { $push: { num: 43 } } as never),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
    await assert.rejects(
      c.updateOne({ _id: 1 as never }, { $inc: { s: 1 } }),
      (e: unknown) => e instanceof MongoServerError && e.code === 14,
    );
    assert.deepEqual(await c.findOne({ _id: 1 as never }), { _id: 1, num: 42, s: 'x' });
  });
});
