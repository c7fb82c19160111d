// Geo queries the way an app writes them with Mongoose (schema 2dsphere index, Query helpers,
// aggregate().near()), against the embedded server or TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { startTarget, type TestTarget } from './helpers.js';

interface Shop {
  name: string;
  location: { type: 'Point'; coordinates: number[] };
}

describe('embedded-db geo via Mongoose', () => {
  let target: TestTarget;
  let conn: Connection;
  let Shops: Model<Shop>;

  before(async () => {
    target = await startTarget();
    conn = await mongoose
      .createConnection(`${target.url}${target.dbName}`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    const schema = new Schema<Shop>({
      name: { type: String, required: true },
      location: {
        type: { type: String, enum: ['Point'], required: true },
        coordinates: { type: [Number], required: true },
      },
    });
    schema.index({ location: '2dsphere' });
    Shops = conn.model<Shop>('Shop', schema);
    await Shops.init();
    const at = (lng: number, lat: number) => ({ type: 'Point' as const, coordinates: [lng, lat] });
    await Shops.create([
      { name: 'Gare du Nord', location: at(2.3553, 48.8809) },
      { name: 'Louvre', location: at(2.3376, 48.8606) },
      { name: 'Notre-Dame', location: at(2.3499, 48.853) },
      { name: 'Lyon', location: at(4.8357, 45.764) },
    ]);
  });

  after(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await target.close();
  });

  it('finds the nearest shops within 2 km with Query#near, nearest first', async () => {
    const near = await Shops.find()
      .where('location')
      .near({ center: { type: 'Point', coordinates: [2.3522, 48.8566] }, maxDistance: 2000, spherical: true })
      .lean();
    assert.deepEqual(
      near.map((s) => s.name),
      ['Notre-Dame', 'Louvre'],
    );
  });

  it('filters with within() / intersects() and counts with $geoWithin', async () => {
    const paris = {
      type: 'Polygon',
      coordinates: [
        [
          [2.22, 48.81],
          [2.47, 48.81],
          [2.47, 48.91],
          [2.22, 48.91],
          [2.22, 48.81],
        ],
      ],
    };
    const inParis = await Shops.find().where('location').within().geometry(paris).sort({ name: 1 }).lean();
    assert.deepEqual(
      inParis.map((s) => s.name),
      ['Gare du Nord', 'Louvre', 'Notre-Dame'],
    );
    const hit = await Shops.findOne().where('location').intersects().geometry(paris).sort({ name: 1 }).lean();
    assert.equal(hit?.name, 'Gare du Nord');
    assert.equal(
      await Shops.countDocuments({ location: { $geoWithin: { $centerSphere: [[4.8357, 45.764], 1 / 6378.1] } } }),
      1,
    );
  });

  it('aggregate().near() adds the distance, and a bad location is refused on save', async () => {
    const rows = await Shops.aggregate<{ name: string; km: number }>()
      .near({
        near: { type: 'Point', coordinates: [2.3522, 48.8566] },
        distanceField: 'km',
        distanceMultiplier: 0.001,
        spherical: true,
      })
      .project({ _id: 0, name: 1, km: 1 });
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Notre-Dame', 'Louvre', 'Gare du Nord', 'Lyon'],
    );
    assert.ok((rows[3]?.km ?? 0) > 380 && (rows[3]?.km ?? 0) < 400, String(rows[3]?.km));
    await assert.rejects(
      Shops.create({ name: 'Nowhere', location: { type: 'Point', coordinates: [500, 0] } }),
      (err: { code?: number }) => err.code === 16755,
    );
  });
});
