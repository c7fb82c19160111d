// Order-preserving key encoding follows MongoDB's BSON comparison order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Binary, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { compareValues, encodeComponent } from '../../src/embedded-db/index-keys.js';
import { decodeForUpdate, encodeDocument, restoreTypes } from '../../src/embedded-db/bson-values.js';
import { deserialize } from 'bson';

describe('index key encoding', () => {
  const ordered: unknown[] = [
    new MinKey(),
    null,
    -Infinity,
    -5.5,
    new Int32(-1),
    0,
    new Double(2.5),
    3,
    Long.fromNumber(2 ** 40),
    '',
    'a',
    'a\u0000',
    'ab',
    'b',
    { a: 1 },
    { a: 2 },
    { b: 0 },
    [1],
    [1, 2],
    new Binary(Buffer.from([1])),
    new ObjectId('000000000000000000000001'),
    new ObjectId('ff0000000000000000000000'),
    false,
    true,
    new Date(-1000),
    new Date(0),
    new Date(1_700_000_000_000),
    new Timestamp({ t: 1, i: 1 }),
    /a/,
    new MaxKey(),
  ];
  it('sorts values in MongoDB type-bracket order', () => {
    for (let i = 0; i + 1 < ordered.length; i++) {
      assert.ok(compareValues(ordered[i], ordered[i + 1]) < 0, `${String(ordered[i])} < ${String(ordered[i + 1])}`);
    }
  });
  it('treats numeric types as one bracket and missing as null', () => {
    assert.equal(compareValues(new Int32(5), 5), 0);
    assert.equal(compareValues(new Double(5), Long.fromNumber(5)), 0);
    assert.equal(compareValues(undefined, null), 0);
  });
  it('inverts order for descending components', () => {
    const a = encodeComponent('a', -1);
    const b = encodeComponent('ab', -1);
    assert.ok(Buffer.compare(a, b) > 0);
  });
});

describe('numeric BSON types at the mingo boundary', () => {
  it('restores integral doubles and int64 after conversion', () => {
    const bytes = encodeDocument({
      _id: 1,
      d: new Double(5),
      l: Long.fromNumber(7),
      nested: { d: new Double(1) },
      i: new Int32(3),
    });
    const { doc, types } = decodeForUpdate(bytes);
    assert.equal(doc.d, 5);
    const back = deserialize(encodeDocument(restoreTypes(doc, types)), { promoteValues: false });
    assert.ok(back.d instanceof Double);
    assert.ok(back.l instanceof Long);
    assert.ok((back.nested as { d: unknown }).d instanceof Double);
    assert.ok(back.i instanceof Int32);
  });
});
