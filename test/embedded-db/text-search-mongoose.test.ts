// $text through Mongoose: a schema-declared text index (built by Model.init), search with
// textScore in select and sort, as an application writes it. Also against TEST_MONGO_URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { startTarget, type TestTarget } from './helpers.js';

interface Post {
  title: string;
  body: string;
  room: string;
}

describe('embedded-db $text via Mongoose', () => {
  let target: TestTarget;
  let conn: Connection;
  let Post: Model<Post>;

  before(async () => {
    target = await startTarget();
    conn = await mongoose
      .createConnection(`${target.url}${target.dbName}`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    const schema = new Schema<Post>({ title: String, body: String, room: String });
    schema.index({ title: 'text', body: 'text' }, { weights: { title: 5 }, default_language: 'english' });
    Post = conn.model('Post', schema);
    await Post.init();
    await Post.create([
      { title: 'Cats on keyboards', body: 'a cat walked across the keys', room: 'pets' },
      { title: 'Dog days', body: 'dogs chasing cats in summer', room: 'pets' },
      { title: 'Keyboard reviews', body: 'mechanical switches compared', room: 'tech' },
    ]);
  });

  after(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await target.close();
  });

  it('builds the schema text index (listIndexes / syncIndexes agree)', async () => {
    const ix = ((await Post.listIndexes()) as Array<Record<string, unknown>>).find(
      (i) => i.name === 'title_text_body_text',
    );
    assert.ok(ix);
    assert.deepEqual(ix.key, { _fts: 'text', _ftsx: 1 });
    assert.deepEqual(ix.weights, { body: 1, title: 5 });
    // Nothing to create or drop: Mongoose recognises the listed text index as its own.
    assert.deepEqual(await Post.syncIndexes(), []);
  });

  it('finds stemmed terms, ranked by textScore', async () => {
    const found = await Post.find({ $text: { $search: 'cat keyboard' } }, { score: { $meta: 'textScore' } })
      .sort({ score: { $meta: 'textScore' } })
      .lean();
    assert.deepEqual(
      found.map((p) => p.title),
      ['Cats on keyboards', 'Keyboard reviews', 'Dog days'],
    );
    const scores = found.map((p) => (p as unknown as { score: number }).score);
    assert.ok(scores.every((s, i) => i === 0 || (scores[i - 1] ?? 0) >= s));
  });

  it('combines $text with a field filter, countDocuments and a phrase', async () => {
    assert.equal(await Post.countDocuments({ room: 'pets', $text: { $search: 'cats' } }), 2);
    const phrase = await Post.find({ $text: { $search: '"mechanical switches"' } }).lean();
    assert.deepEqual(
      phrase.map((p) => p.title),
      ['Keyboard reviews'],
    );
  });

  it('aggregate with $text and textScore', async () => {
    const out = await Post.aggregate<{ title: string; score: number }>([
      { $match: { $text: { $search: 'dog' } } },
      { $project: { _id: 0, title: 1, score: { $meta: 'textScore' } } },
    ]);
    const [first, ...others] = out;
    assert.equal(others.length, 0);
    assert.ok(first);
    assert.equal(first.title, 'Dog days');
    assert.ok(first.score > 0);
  });
});
