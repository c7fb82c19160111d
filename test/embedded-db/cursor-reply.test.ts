// A cursor reply built from stored bytes is exactly the BSON the bson library makes of the same
// document (every type kept: ints, doubles, longs, dates, ids).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Double, Int32, Long, ObjectId, serialize, deserialize } from 'bson';
import { encodeCursorReply } from '../../src/embedded-db/cursor-reply.js';

const stored = (doc: object) => Buffer.from(serialize(doc));

function expected(ns: string, id: bigint, batch: string, docs: Buffer[]): Buffer {
  const decoded = docs.map((d) => deserialize(d, { promoteValues: false }));
  return Buffer.from(serialize({ cursor: { [batch]: decoded, id: Long.fromBigInt(id), ns }, ok: new Double(1) }));
}

describe('cursor reply', () => {
  it('is the same bytes as the document serialized whole, for no, one and many documents', () => {
    const docs = Array.from({ length: 23 }, (_, i) =>
      stored({
        _id: new ObjectId(),
        n: new Int32(i),
        d: new Double(i),
        l: Long.fromNumber(i * 1e12),
        at: new Date(1_700_000_000_000 + i),
        text: 'é'.repeat(i),
        nested: { list: [i, { deep: null }] },
      }),
    );
    for (const count of [0, 1, 10, 11, 23]) {
      const batch = docs.slice(0, count);
      assert.deepEqual(
        encodeCursorReply('db.coll', 0n, 'firstBatch', batch),
        expected('db.coll', 0n, 'firstBatch', batch),
      );
    }
    const id = 8_123_456_789_012_345_678n;
    assert.deepEqual(
      encodeCursorReply('gifchat.messages', id, 'nextBatch', docs),
      expected('gifchat.messages', id, 'nextBatch', docs),
    );
  });

  it('writes a namespace outside ASCII by its UTF-8 length', () => {
    const docs = [stored({ _id: 1 })];
    const ns = 'bücher.日本語';
    const reply = encodeCursorReply(ns, 42n, 'firstBatch', docs);
    assert.deepEqual(reply, expected(ns, 42n, 'firstBatch', docs));
    assert.equal((deserialize(reply) as { cursor: { ns: string } }).cursor.ns, ns);
  });
});
