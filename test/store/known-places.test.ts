// The places remembered for the next history page: per room, newest kept, bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KnownPlaces } from '../../src/store/known-places.js';

describe('known places', () => {
  it('answers per room and forgets the oldest past its bound', () => {
    const places = new KnownPlaces(3);
    places.remember('r1', 'a', 1);
    places.remember('r2', 'a', 7);
    assert.equal(places.get('r1', 'a'), 1);
    assert.equal(places.get('r2', 'a'), 7, 'the same id in another room is another entry');
    assert.equal(places.get('r1', 'b'), undefined);
    places.remember('r1', 'b', 2);
    places.remember('r1', 'a', 1); // seen again: the newest now
    places.remember('r1', 'c', 3);
    assert.equal(places.get('r2', 'a'), undefined, 'the oldest went');
    assert.deepEqual(
      ['a', 'b', 'c'].map((id) => places.get('r1', id)),
      [1, 2, 3],
    );
  });
});
