// Geo queries through the mongodb driver against the embedded server (or TEST_MONGO_URL):
// 2d / 2dsphere indexes, $near / $nearSphere / $geoWithin / $geoIntersects, $geoNear, the errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { startTarget, usingRealMongo, type TestTarget } from './helpers.js';

const pt = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
const square = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

async function rejects(p: Promise<unknown>, code: number, text?: string): Promise<MongoServerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MongoServerError, `expected a server error, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (text) assert.ok(err.message.includes(text), `"${err.message}" should include "${text}"`);
    return err;
  }
  assert.fail(`expected error code ${code}`);
}

const ids = (docs: Document[]) => docs.map((d) => d._id as unknown);

describe('embedded-db geo queries', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;
  let places: Collection;
  let flat: Collection;

  before(async () => {
    target = await startTarget();
    client = await MongoClient.connect(target.url, { serverSelectionTimeoutMS: 5000 });
    db = client.db(target.dbName);
    places = db.collection('places');
    await places.createIndex({ loc: '2dsphere' }, undefined, undefined);
    // Along the equator, 0.1° ≈ 11.1 km apart, plus a line and an area.
    await places.insertMany([
      { _id: 'a' as never, loc: pt(0, 0), kind: 'cafe' },
      { _id: 'b' as never, loc: pt(0.1, 0), kind: 'bar' },
      { _id: 'c' as never, loc: pt(0.2, 0), kind: 'cafe' },
      { _id: 'd' as never, loc: [0.3, 0], kind: 'bar' }, // a legacy pair in a 2dsphere index
      {
        _id: 'road' as never,
        loc: {
          type: 'LineString',
          coordinates: [
            [5, -1],
            [5, 1],
          ],
        },
      },
      { _id: 'park' as never, loc: square(10, 10, 11, 11) },
      { _id: 'none' as never, kind: 'no location' },
    ]);
    flat = db.collection('flat');
    await flat.createIndex({ pos: '2d' }, undefined, undefined);
    await flat.insertMany([
      { _id: 1 as never, pos: [0, 0] },
      { _id: 2 as never, pos: [3, 4] },
      { _id: 3 as never, pos: { x: 6, y: 8 } },
      {
        _id: 4 as never,
        pos: [
          [-1, -1],
          [9, 9],
        ],
      }, // several locations in one document
    ]);
  });

  after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await target.close();
  });

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

  it('$near with a GeoJSON point: meters, nearest first, $minDistance / $maxDistance', async () => {
    const near = (extra: Document) => places.find({ loc: { $near: { $geometry: pt(0.01, 0), ...extra } } }).toArray();
    assert.deepEqual(ids(await near({})), ['a', 'b', 'c', 'd', 'road', 'park']);
    assert.deepEqual(ids(await near({ $maxDistance: 12_000 })), ['a', 'b']);
    assert.deepEqual(ids(await near({ $minDistance: 5_000, $maxDistance: 25_000 })), ['b', 'c']);
    const sorted = await places
      .find({ loc: { $near: { $geometry: pt(0, 0), $maxDistance: 40_000 } } })
      .sort({ _id: -1 })
      .toArray();
    assert.deepEqual(ids(sorted), ['d', 'c', 'b', 'a']); // an explicit sort wins over distance order
    const withFilter = await places.find({ kind: 'cafe', loc: { $near: { $geometry: pt(0.3, 0) } } }).toArray();
    assert.deepEqual(ids(withFilter), ['c', 'a']);
    assert.deepEqual(
      ids(
        await places
          .find({ loc: { $near: { $geometry: pt(0.3, 0) } } })
          .limit(2)
          .toArray(),
      ),
      ['d', 'c'],
    );
  });

  it('$nearSphere: GeoJSON in meters, legacy pairs in radians (Earth radius 6378.1 km)', async () => {
    const geo = await places.find({ loc: { $nearSphere: { $geometry: pt(0.19, 0), $maxDistance: 12_500 } } }).toArray();
    assert.deepEqual(ids(geo), ['c', 'b', 'd']);
    const rad = (km: number) => km / 6378.1;
    const legacy = await places.find({ loc: { $nearSphere: [0.19, 0], $maxDistance: rad(13) } }).toArray();
    assert.deepEqual(ids(legacy), ['c', 'b', 'd']);
    const ring = await places
      .find({ loc: { $nearSphere: [0, 0], $minDistance: rad(15), $maxDistance: rad(40) } })
      .toArray();
    assert.deepEqual(ids(ring), ['c', 'd']);
  });

  it('$near on a 2d index: flat distance over legacy pairs and documents with several locations', async () => {
    assert.deepEqual(ids(await flat.find({ pos: { $near: [0, 0] } }).toArray()), [1, 4, 2, 3]);
    assert.deepEqual(ids(await flat.find({ pos: { $near: [0, 0], $maxDistance: 5 } }).toArray()), [1, 4, 2]);
    assert.deepEqual(ids(await flat.find({ pos: { $near: [0, 0, 5] } }).toArray()), [1, 4, 2]);
    assert.deepEqual(ids(await flat.find({ pos: { $near: [10, 10], $minDistance: 2 } }).toArray()), [3, 2, 1]);
    assert.deepEqual(
      ids(
        await flat
          .find({ pos: { $nearSphere: [0, 0] } })
          .limit(1)
          .toArray(),
      ),
      [1],
    );
  });

  it('$geoWithin: $geometry Polygon / MultiPolygon, $centerSphere, $box, $center, $polygon, legacy $within', async () => {
    const within = async (c: Collection, field: string, shape: Document, op = '$geoWithin') =>
      ids(
        await c
          .find({ [field]: { [op]: shape } })
          .sort({ _id: 1 })
          .toArray(),
      );
    assert.deepEqual(await within(places, 'loc', { $geometry: square(-0.05, -1, 0.15, 1) }), ['a', 'b']);
    assert.deepEqual(await within(places, 'loc', { $geometry: square(4, -2, 12, 12) }), ['park', 'road']);
    const multi = {
      type: 'MultiPolygon',
      coordinates: [square(-0.05, -1, 0.05, 1).coordinates, square(0.25, -1, 0.35, 1).coordinates],
    };
    assert.deepEqual(await within(places, 'loc', { $geometry: multi }), ['a', 'd']);
    assert.deepEqual(await within(places, 'loc', { $centerSphere: [[0.1, 0], 12 / 6378.1] }), ['a', 'b', 'c']);
    assert.deepEqual(
      await within(flat, 'pos', {
        $box: [
          [-2, -2],
          [4, 4],
        ],
      }),
      [1, 2, 4],
    );
    assert.deepEqual(await within(flat, 'pos', { $center: [[0, 0], 5] }), [1, 2, 4]);
    assert.deepEqual(
      await within(flat, 'pos', {
        $polygon: [
          [-2, -2],
          [10, -2],
          [10, 10],
          [-2, 10],
        ],
      }),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      await within(flat, 'pos', {
        $polygon: [
          [1, 0],
          [5, 0],
          [3, 6],
        ],
      }),
      [2],
    );
    assert.deepEqual(
      await within(
        flat,
        'pos',
        {
          $box: [
            [-2, -2],
            [4, 4],
          ],
        },
        '$within',
      ),
      [1, 2, 4],
    );
    // No index is needed for $geoWithin, and it works in aggregate $match and count too.
    const plain = db.collection('plain');
    await plain.insertMany([
      { _id: 1 as never, p: [1, 1] },
      { _id: 2 as never, p: [50, 50] },
    ]);
    assert.deepEqual(
      await within(plain, 'p', {
        $box: [
          [0, 0],
          [2, 2],
        ],
      }),
      [1],
    );
    assert.equal(await plain.countDocuments({ p: { $geoWithin: { $center: [[0, 0], 100] } } }), 2);
  });

  it('$geoIntersects with points, lines and polygons', async () => {
    const hits = async (geometry: Document) =>
      ids(
        await places
          .find({ loc: { $geoIntersects: { $geometry: geometry } } })
          .sort({ _id: 1 })
          .toArray(),
      );
    assert.deepEqual(
      await hits({
        type: 'LineString',
        coordinates: [
          [4, 0],
          [6, 0],
        ],
      }),
      ['road'],
    );
    assert.deepEqual(await hits(pt(10.5, 10.5)), ['park']);
    assert.deepEqual(await hits(square(-0.01, -0.01, 0.11, 0.01)), ['a', 'b']);
    assert.deepEqual(await hits(square(20, 20, 21, 21)), []);
  });

  it('shapes crossing the antimeridian take the short way round, as on the sphere', async () => {
    const c = db.collection('dateline');
    await c.createIndex({ g: '2dsphere' }, undefined, undefined);
    await c.insertMany([
      {
        _id: 'line' as never,
        g: {
          type: 'LineString',
          coordinates: [
            [-178, 10],
            [178, 10],
          ],
        },
      },
      { _id: 'east' as never, g: pt(179.5, 0) },
      { _id: 'west' as never, g: pt(-179.5, 0) },
      { _id: 'far' as never, g: pt(0, 0) },
    ]);
    const meridian = {
      type: 'LineString',
      coordinates: [
        [180, 11],
        [180, 9],
      ],
    };
    assert.deepEqual(ids(await c.find({ g: { $geoIntersects: { $geometry: meridian } } }).toArray()), ['line']);
    const box = {
      type: 'Polygon',
      coordinates: [
        [
          [170, -5],
          [-170, -5],
          [-170, 5],
          [170, 5],
          [170, -5],
        ],
      ],
    };
    const inside = await c
      .find({ g: { $geoWithin: { $geometry: box } } })
      .sort({ _id: 1 })
      .toArray();
    assert.deepEqual(ids(inside), ['east', 'west']);
  });

  it('the $geoNear stage: distanceField, query, min/max, key, distanceMultiplier, includeLocs', async () => {
    const out = await places
      .aggregate([
        {
          $geoNear: {
            near: pt(0, 0),
            distanceField: 'dist.m',
            maxDistance: 25_000,
            query: { kind: 'cafe' },
            includeLocs: 'where',
            distanceMultiplier: 0.001,
            key: 'loc',
          },
        },
        { $project: { kind: 1, dist: 1, where: 1 } },
      ])
      .toArray();
    assert.deepEqual(ids(out), ['a', 'c']);
    const km = out.map((d) => (d.dist as { m: number }).m);
    assert.equal(km[0], 0);
    assert.ok(Math.abs((km[1] ?? 0) - 22.264) < 0.01, String(km[1]));
    assert.deepEqual(out[1]?.where, pt(0.2, 0));
    const legacy = await flat.aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd', minDistance: 1 } }]).toArray();
    assert.deepEqual(ids(legacy), [4, 2, 3]);
    assert.ok(Math.abs((legacy[0]?.d as number) - Math.SQRT2) < 1e-9);
    const spherical = await places
      .aggregate([{ $geoNear: { near: [0, 0], distanceField: 'r', spherical: true } }, { $limit: 2 }])
      .toArray();
    assert.deepEqual(ids(spherical), ['a', 'b']);
    assert.ok(Math.abs((spherical[1]?.r as number) - (0.1 * Math.PI) / 180) < 1e-9);
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
