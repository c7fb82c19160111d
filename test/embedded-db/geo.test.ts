// Geo query operators through the mongodb driver against the embedded server (or TEST_MONGO_URL):
// $near / $nearSphere / $geoWithin / $geoIntersects and the $geoNear stage.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Collection, Db, Document } from 'mongodb';
import { ids, openGeoFixture, pt, square, type GeoFixture } from './geo-fixtures.js';

describe('embedded-db geo queries', () => {
  let fx: GeoFixture;
  let db: Db;
  let places: Collection;
  let flat: Collection;

  before(async () => {
    fx = await openGeoFixture();
    ({ db, places, flat } = fx);
  });

  after(() => fx.close());

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
});
