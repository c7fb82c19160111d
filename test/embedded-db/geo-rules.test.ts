// Geo index rules and errors through the mongodb driver (or TEST_MONGO_URL): listIndexes, writes a
// geo index cannot hold, mongod's query errors, and a hostile 100,000-vertex polygon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Collection, Db, Document } from 'mongodb';
import { usingRealMongo } from './helpers.js';
import { ids, openGeoFixture, pt, rejects, type GeoFixture } from './geo-fixtures.js';

describe('embedded-db geo indexes and errors', () => {
  let fx: GeoFixture;
  let db: Db;
  let places: Collection;
  let flat: Collection;

  before(async () => {
    fx = await openGeoFixture();
    ({ db, places, flat } = fx);
  });

  after(() => fx.close());

  it('lists 2dsphere and 2d indexes as mongod does', async () => {
    const listed = (c: Collection) => c.listIndexes().toArray() as Promise<Document[]>;
    const byName = new Map((await listed(places)).map((ix) => [ix.name as string, ix]));
    assert.deepEqual(byName.get('loc_2dsphere')?.key, { loc: '2dsphere' });
    assert.equal(byName.get('loc_2dsphere')?.['2dsphereIndexVersion'], 3);
    const c = db.collection('opts');
    await c.createIndex({ p: '2d' }, { bits: 20, min: -500, max: 500 }, undefined);
    const ix = (await listed(c)).find((i) => i.name === 'p_2d');
    assert.ok(ix);
    assert.deepEqual(ix.key, { p: '2d' });
    assert.equal(ix.bits, 20);
    assert.equal(ix.min, -500);
    assert.equal(ix.max, 500);
    await c.insertOne({ p: [400, -400] });
    await rejects(c.insertOne({ p: [600, 0] }), 13027, 'point not in interval');
    await rejects(c.createIndex({ a: 1, q: '2d' }, undefined, undefined), 16801, '2d has to be first in index');
  });

  it('refuses a document a 2dsphere index cannot hold (16755), and an index over such documents', async () => {
    await rejects(places.insertOne({ loc: { type: 'Point', coordinates: ['x', 1] } }), 16755, "Can't extract geo keys");
    await rejects(places.insertOne({ loc: pt(200, 0) }), 16755, 'longitude/latitude is out of bounds');
    await rejects(places.insertOne({ loc: 'somewhere' }), 16755, "Can't extract geo keys");
    await rejects(
      places.insertOne({
        loc: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        },
      }),
      16755,
      'Loop is not closed',
    );
    await rejects(places.updateOne({ _id: 'a' as never }, { $set: { loc: { type: 'Blob' } } }), 16755);
    assert.deepEqual((await places.findOne({ _id: 'a' as never }))?.loc, pt(0, 0));
    await places.insertOne({ _id: 'nullLoc' as never, loc: null }); // null / missing are not indexed
    await places.deleteOne({ _id: 'nullLoc' as never });
    const bad = db.collection('bad');
    await bad.insertOne({ loc: { type: 'Point', coordinates: [1] } });
    await rejects(bad.createIndex({ loc: '2dsphere' }, undefined, undefined), 16755, "Can't extract geo keys");
    assert.equal((await bad.listIndexes().toArray()).length, 1);
    await rejects(flat.insertOne({ pos: { type: 'Point', coordinates: [1, 2] } }), 16804);
  });

  it('errors: no geo index (291), $near outside the top level, in $match, $geoNear not first, bad shapes', async () => {
    const plain = db.collection('noGeoIndex');
    await plain.insertOne({ p: [1, 1] });
    await rejects(plain.find({ p: { $near: [0, 0] } }).toArray(), 291, 'unable to find index for $geoNear query');
    await rejects(places.find({ loc: { $near: [0, 0] } }).toArray(), 291); // flat $near needs a 2d index
    await rejects(flat.find({ pos: { $near: { $geometry: pt(0, 0) } } }).toArray(), 291);
    await rejects(
      places.find({ $or: [{ loc: { $near: { $geometry: pt(0, 0) } } }, { kind: 'bar' }] }).toArray(),
      2,
      'geoNear must be top-level expr',
    );
    await rejects(places.countDocuments({ loc: { $near: { $geometry: pt(0, 0) } } }), 5626500);
    await rejects(
      places.aggregate([{ $match: {} }, { $geoNear: { near: pt(0, 0), distanceField: 'd' } }]).toArray(),
      40602,
    );
    await rejects(plain.aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd' } }]).toArray(), 27);
    await rejects(places.aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd' } }]).toArray(), 291);
    await rejects(places.find({ loc: { $near: { $geometry: pt(0, 0), $maxDistance: -1 } } }).toArray(), 2);
    await rejects(places.find({ loc: { $geoWithin: { $geometry: pt(0, 0) } } }).toArray(), 2, '$within not supported');
    await rejects(places.find({ loc: { $geoWithin: { $circle: [[0, 0], 1] } } }).toArray(), 2, 'unknown geo specifier');
    await rejects(
      places
        .find({
          loc: {
            $geoIntersects: {
              $box: [
                [0, 0],
                [1, 1],
              ],
            },
          },
        })
        .toArray(),
      2,
    );
    await rejects(
      places
        .find({
          loc: {
            $geoWithin: {
              $polygon: [
                [0, 0],
                [1, 1],
              ],
            },
          },
        })
        .toArray(),
      2,
      'at least 3 points',
    );
  });

  it('hostile shapes: a 100,000-vertex polygon is answered, a larger one refused', async () => {
    const ring = (n: number) => {
      const pts = Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * i) / n;
        return [Math.cos(a), Math.sin(a)];
      });
      return [...pts, pts[0]];
    };
    const inside = await places
      .find({ loc: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: [ring(99_999)] } } } })
      .toArray();
    assert.deepEqual(ids(inside).sort(), ['a', 'b', 'c', 'd']);
    if (!usingRealMongo()) {
      // The embedded server's documented bound (mongod has none short of the 16 MB document limit).
      const huge = { type: 'Polygon', coordinates: [ring(150_000)] };
      await rejects(places.find({ loc: { $geoWithin: { $geometry: huge } } }).toArray(), 2, 'vertices');
    }
    // The server still answers other requests.
    assert.equal(await places.countDocuments({ kind: 'bar' }), 2);
  });
});
