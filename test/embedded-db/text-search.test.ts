// $text search and text indexes through the mongodb driver (also against a real MongoDB when
// TEST_MONGO_URL is set: the assertions hold for both).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { closeDriver, openDriver, serverError, usingRealMongo, type TestTarget } from './helpers.js';

const DOCS = [
  { _id: 1, title: 'Running shoes', body: 'Our team runs a marathon every spring' },
  { _id: 2, title: 'Kitchen notes', body: 'The best recipes for running a small kitchen' },
  { _id: 3, title: 'Café culture', body: 'Coffee and cake in Vienna' },
  { _id: 4, title: 'coffee', body: 'beans' },
  { _id: 5, title: 'Gardening', body: 'Roses, tulips and the joy of digging' },
  { _id: 6, title: 'RUNNING LATE', body: 'trains and buses' },
];

async function ids(c: Collection, filter: Document, sort?: Document): Promise<unknown[]> {
  const cursor = c.find(filter, { projection: { score: { $meta: 'textScore' } } });
  if (sort) cursor.sort(sort);
  return (await cursor.toArray()).map((d) => d._id);
}

const sorted = (xs: unknown[]) => [...xs].sort();

async function indexNamed(c: Collection, name: string): Promise<Record<string, unknown> | undefined> {
  const all = (await c.listIndexes().toArray()) as Array<Record<string, unknown>>;
  return all.find((i) => i.name === name);
}

describe('embedded-db $text search', () => {
  let target: TestTarget;
  let client: MongoClient;
  let db: Db;
  let c: Collection;

  before(async () => {
    ({ target, client, db } = await openDriver());
    c = db.collection('articles');
    await c.insertMany(DOCS as Document[]);
    await c.createIndex({ title: 'text', body: 'text' }, { weights: { title: 10 }, name: 'search' }, undefined);
  });

  after(async () => {
    await closeDriver(target, client, db);
  });

  it('lists the text index as mongod does', async () => {
    const ix = await indexNamed(c, 'search');
    assert.ok(ix);
    assert.deepEqual(ix.key, { _fts: 'text', _ftsx: 1 });
    assert.deepEqual(ix.weights, { body: 1, title: 10 });
    assert.equal(ix.default_language, 'english');
    assert.equal(ix.language_override, 'language');
    assert.equal(ix.textIndexVersion, 3);
  });

  it('allows one text index per collection', async () => {
    const e = await serverError(c.createIndex({ body: 'text' }, undefined, undefined));
    assert.equal(e.code, 67);
    assert.match(e.message, /only one text index per collection allowed/);
    // The same index again is not an error.
    await c.createIndex({ title: 'text', body: 'text' }, { weights: { title: 10 }, name: 'search' }, undefined);
  });

  it('matches any term, stemmed ("running" finds "runs"), case and diacritic insensitive', async () => {
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'running' } })), [1, 2, 6]);
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'cafe vienna' } })), [3]);
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'tulip bean' } })), [4, 5]);
  });

  it('requires every "phrase" (substring match) and excludes -negated terms and phrases', async () => {
    assert.deepEqual(await ids(c, { $text: { $search: '"small kitchen"' } }), [2]);
    assert.deepEqual(await ids(c, { $text: { $search: 'running "small kitchen"' } }), [2]);
    assert.deepEqual(await ids(c, { $text: { $search: '"kitchen small"' } }), []);
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'running -kitchen' } })), [1, 6]);
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'running -"running late"' } })), [1, 2]);
    // A hyphen inside a word is not a negation.
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'coffee-beans' } })), [3, 4]);
  });

  it('ignores stop words; a search of stop words only finds nothing', async () => {
    assert.deepEqual(await ids(c, { $text: { $search: 'the and of' } }), []);
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'the roses' } })), [5]);
  });

  it('language none: no stemming and no stop words; unknown languages refused', async () => {
    const raw = db.collection('raw');
    await raw.insertMany([
      { _id: 1, t: 'she runs' },
      { _id: 2, t: 'running' },
      { _id: 3, t: 'the end' },
    ] as Document[]);
    await raw.createIndex({ t: 'text' }, { default_language: 'none' }, undefined);
    assert.deepEqual(await ids(raw, { $text: { $search: 'runs' } }), [1]);
    assert.deepEqual(await ids(raw, { $text: { $search: 'running' } }), [2]);
    assert.deepEqual(await ids(raw, { $text: { $search: 'the' } }), [3]);
    // The query's $language only changes how the query is read: the index holds stemmed terms.
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'run', $language: 'none' } })), [1, 2, 6]);
    assert.deepEqual(await ids(c, { $text: { $search: 'running', $language: 'none' } }), []);
    const e = await serverError(c.find({ $text: { $search: 'x', $language: 'klingon' } }).toArray());
    assert.equal(e.code, 2);
  });

  it('$caseSensitive and $diacriticSensitive', async () => {
    assert.deepEqual(await ids(c, { $text: { $search: 'RUNNING', $caseSensitive: true } }), [6]);
    assert.deepEqual(await ids(c, { $text: { $search: 'Café', $diacriticSensitive: true } }), [3]);
    assert.deepEqual(await ids(c, { $text: { $search: 'Cafe', $diacriticSensitive: true } }), []);
  });

  it('scores by weight and term frequency: textScore in projection and sort', async () => {
    const docs = await c
      .find({ $text: { $search: 'running coffee' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    const scores = docs.map((d) => d.score as number);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    // Title (weight 10) hits rank above the body-only hit (doc 2).
    assert.equal(docs[docs.length - 1]?._id, 2);
    // mongod's formula for a one-word title: weight 10 × freq 1 × (0.5 × 1/1 + 0.5); no 1.1 boost,
    // since the stemmed term ("coffe") is not the raw string.
    const coffee = docs.find((d) => (d._id as unknown) === 4);
    assert.ok(coffee && Math.abs((coffee.score as number) - 10) < 1e-9, `score ${String(coffee?.score)}`);
    assert.deepEqual(Object.keys(docs[0] ?? {}), ['_id', 'title', 'body', 'score']);
  });

  it('combines $text with other conditions, inclusion projections, count and limit', async () => {
    assert.deepEqual(sorted(await ids(c, { $text: { $search: 'running' }, _id: { $gt: 1 } })), [2, 6]);
    assert.deepEqual(sorted(await ids(c, { $and: [{ $text: { $search: 'running' } }, { _id: { $lt: 6 } }] })), [1, 2]);
    assert.equal(await c.countDocuments({ $text: { $search: 'running' } }), 3);
    const top = await c
      .find({ $text: { $search: 'running' } }, { projection: { title: 1, s: { $meta: 'textScore' } } })
      .sort({ s: { $meta: 'textScore' } })
      .limit(1)
      .toArray();
    assert.equal(top.length, 1);
    assert.deepEqual(Object.keys(top[0] ?? {}).sort(), ['_id', 's', 'title']);
  });

  it('aggregate: $text in a first-stage $match, $meta in $project / $addFields / $sort', async () => {
    const out = await c
      .aggregate([
        { $match: { $text: { $search: 'running' } } },
        { $addFields: { s: { $meta: 'textScore' } } },
        { $sort: { s: -1 } },
        { $project: { title: 1, s: 1 } },
      ])
      .toArray();
    assert.equal(out.length, 3);
    assert.ok((out[0]?.s as number) >= (out[2]?.s as number));
    assert.deepEqual(Object.keys(out[0] ?? {}).sort(), ['_id', 's', 'title']);
    const e = await serverError(
      c.aggregate([{ $match: { _id: 1 } }, { $match: { $text: { $search: 'running' } } }]).toArray(),
    );
    assert.equal(e.code, 17313);
  });

  it("answers mongod's errors: no text index, two $text, $text under $nor, bad operand", async () => {
    const plain = db.collection('plain');
    await plain.insertOne({ body: 'running' });
    const e1 = await serverError(plain.find({ $text: { $search: 'running' } }).toArray());
    assert.equal(e1.code, 27);
    assert.equal(e1.message, 'text index required for $text query');
    const two = { $and: [{ $text: { $search: 'a' } }, { $text: { $search: 'b' } }] };
    assert.equal((await serverError(c.find(two).toArray())).code, 2);
    assert.equal((await serverError(c.find({ $nor: [{ $text: { $search: 'a' } }] }).toArray())).code, 2);
    assert.equal((await serverError(c.find({ $text: { $search: 1 } } as Document).toArray())).code, 2);
    assert.equal((await serverError(c.find({ $text: 'running' } as Document).toArray())).code, 2);
  });

  it('compound text index: needs equality on prefix fields; $** indexes every string', async () => {
    const posts = db.collection('posts');
    await posts.insertMany([
      { room: 'a', text: 'hello world', meta: { tag: 'greeting' } },
      { room: 'b', text: 'hello there' },
    ]);
    await posts.createIndex({ room: 1, text: 'text' }, undefined, undefined);
    const ix = await indexNamed(posts, 'room_1_text_text');
    assert.deepEqual(ix?.key, { room: 1, _fts: 'text', _ftsx: 1 });
    assert.equal((await posts.find({ room: 'a', $text: { $search: 'hello' } }).toArray()).length, 1);
    assert.equal((await serverError(posts.find({ $text: { $search: 'hello' } }).toArray())).code, 2);
    const all = db.collection('wild');
    await all.insertMany([{ a: 'alpha', nested: { deep: ['gamma ray'] } }, { b: 'beta' }]);
    await all.createIndex({ '$**': 'text' }, undefined, undefined);
    assert.equal((await all.find({ $text: { $search: 'gamma' } }).toArray()).length, 1);
  });

  it('hostile input: a 1 MB / 100,000-term $search is refused, a 60 KB one answers', async () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => `w${i}`).join(' ');
    if (!usingRealMongo()) {
      const e = await serverError(c.find({ $text: { $search: huge } }).toArray());
      assert.equal(e.code, 2);
      assert.match(e.message, /65536/);
      const mb = await serverError(c.find({ $text: { $search: 'x'.repeat(1 << 20) } }).toArray());
      assert.equal(mb.code, 2);
    }
    const big = `${huge.slice(0, 60_000)} coffee`;
    assert.deepEqual(sorted(await ids(c, { $text: { $search: big } })), [3, 4]);
  });
});
