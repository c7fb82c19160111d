// Server-side JavaScript is refused by design: $where, $function, $accumulator and mapReduce answer
// as a mongod with security.javascriptEnabled: false. Against TEST_MONGO_URL these tests run only
// when that server has JavaScript disabled too (a default mongod would run the code).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { closeDriver, openDriver, serverError, usingRealMongo, type TestTarget } from './helpers.js';

const NO_ENGINE = 'Cannot run server-side javascript without the javascript engine enabled';

describe('embedded-db refuses server-side JavaScript', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;
  let c: Collection;
  let skip: string | false = false;

  before(async () => {
    ({ target, client, db } = await openDriver());
    c = db.collection('js');
    await c.insertMany([{ x: 1 }, { x: 2 }]);
    if (usingRealMongo()) {
      const ran = await c
        .find({ $where: 'this.x == 1' })
        .toArray()
        .then(
          () => true,
          () => false,
        );
      if (ran) skip = 'the real MongoDB at TEST_MONGO_URL has server-side JavaScript enabled';
    }
  });

  after(async () => {
    await closeDriver(target, client, db);
  });

  it('$where in find, count, distinct, findAndModify: no script engine', async (t) => {
    if (skip) return t.skip(skip);
    const calls: Array<() => Promise<unknown>> = [
      () => c.find({ $where: 'this.x == 1' }).toArray(),
      () => c.find({ $or: [{ x: 5 }, { $where: 'return true' }] }).toArray(),
      () => db.command({ count: 'js', query: { $where: 'true' } }),
      () => db.command({ distinct: 'js', key: 'x', query: { $where: 'true' } }),
      () => c.findOneAndUpdate({ $where: 'true' }, { $set: { y: 1 } }),
      () => db.collection('missing').find({ $where: 'true' }).toArray(),
    ];
    for (const call of calls) {
      const e = await serverError(call());
      assert.equal(e.code, 6108304);
      assert.equal(e.message, 'no globalScriptEngine in $where parsing');
    }
    assert.equal(await c.countDocuments({ y: 1 }), 0);
  });

  it('$where in updates and deletes changes nothing', async (t) => {
    if (skip) return t.skip(skip);
    await assert.rejects(c.deleteMany({ $where: 'true' }), (e: Error & { code?: number }) => e.code === 6108304);
    await assert.rejects(
      c.updateMany({ $where: 'true' }, { $set: { z: 1 } }),
      (e: Error & { code?: number }) => e.code === 6108304,
    );
    assert.equal(await c.countDocuments({}), 2);
    assert.equal(await c.countDocuments({ z: 1 }), 0);
  });

  it('aggregate: $where in $match, $function, $accumulator; mapReduce', async (t) => {
    if (skip) return t.skip(skip);
    const where = await serverError(c.aggregate([{ $match: { $where: 'true' } }]).toArray());
    assert.equal(where.code, 2);
    assert.equal(where.message, '$where is not allowed in this context');
    // countDocuments is an aggregation, so it gets the aggregation answer.
    assert.equal((await serverError(c.countDocuments({ $where: 'true' }))).code, 2);
    const fn = { $function: { body: 'function() { return 1; }', args: [], lang: 'js' } };
    const e1 = await serverError(c.aggregate([{ $addFields: { one: fn } }]).toArray());
    assert.equal(e1.code, 31264);
    assert.equal(e1.message, NO_ENGINE);
    const acc = {
      $accumulator: {
        init: 'function() { return 0; }',
        accumulate: 'function(s) { return s + 1; }',
        accumulateArgs: [],
        merge: 'function(a, b) { return a + b; }',
        lang: 'js',
      },
    };
    const e2 = await serverError(c.aggregate([{ $group: { _id: null, n: acc } }]).toArray());
    assert.equal(e2.code, 31264);
    const mr: Document = { mapReduce: 'js', map: 'function() {}', reduce: 'function() {}', out: { inline: 1 } };
    const e3 = await serverError(db.command(mr));
    assert.equal(e3.code, 31246);
    assert.equal(e3.message, NO_ENGINE);
  });

  it('through Mongoose: Query#$where rejects with the same error', async (t) => {
    if (skip) return t.skip(skip);
    const conn: Connection = await mongoose
      .createConnection(`${target.url}${target.dbName}`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      const Js = conn.model('Js', new Schema({ x: Number }), 'js');
      await assert.rejects(
        Js.find().$where('this.x === 1').exec(),
        (e: Error & { code?: number }) => e.code === 6108304 && /no globalScriptEngine/.test(e.message),
      );
      assert.equal(await Js.countDocuments({ x: 1 }), 1);
    } finally {
      await conn.close();
    }
  });
});
