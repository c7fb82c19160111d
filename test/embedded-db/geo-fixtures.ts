// Shared fixtures of the geo tests: a 2dsphere collection along the equator (0.1° ≈ 11.1 km
// apart, plus a line and an area) and a 2d collection of legacy pairs, on the embedded server or
// TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { startTarget } from './helpers.js';

export const pt = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
export const square = (x0: number, y0: number, x1: number, y1: number) => ({
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

export async function rejects(p: Promise<unknown>, code: number, text?: string): Promise<MongoServerError> {
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

export const ids = (docs: Document[]) => docs.map((d) => d._id as unknown);

export interface GeoFixture {
  db: Db;
  places: Collection;
  flat: Collection;
  close(): Promise<void>;
}

export async function openGeoFixture(): Promise<GeoFixture> {
  const target = await startTarget();
  const client = await MongoClient.connect(target.url, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(target.dbName);
  const places = db.collection('places');
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
  const flat = db.collection('flat');
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
  return {
    db,
    places,
    flat,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await target.close();
    },
  };
}
