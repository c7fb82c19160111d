// Presence on its own (it keeps no state in the database): connections per person, the grace
// period before someone who closed their last tab is gone, and the ways out that announce
// nobody (a join taken back, an eviction, a forgotten room).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { newVisitor } from '../../src/chat/identity.js';
import { Presence } from '../../src/chat/presence.js';
import { waitFor } from '../helpers/wait.js';

const ids = (people: Array<{ id: string }>) => people.map((p) => p.id);

const GRACE_MS = 50;
/** Long enough for any grace timer to have fired. */
const PAST_GRACE_MS = GRACE_MS * 4;

function tracked(graceMs = GRACE_MS) {
  const gone: Array<{ roomId: string; nickname: string }> = [];
  const presence = new Presence(graceMs, (roomId, person) => gone.push({ roomId, nickname: person.nickname }));
  return { presence, gone };
}

describe('presence', () => {
  it('drops connections that are no longer live after the grace period', async () => {
    const { presence, gone } = tracked();
    const [a, b] = [newVisitor(), newVisitor()];
    presence.join('r', a, '1');
    presence.join('r', b, '2');
    presence.join('r', b, '3');
    const live = new Set(['1', '3']);
    presence.reconcile((id) => live.has(id));
    assert.equal(presence.count('r'), 2, 'b still has a live tab');
    live.delete('3');
    presence.reconcile((id) => live.has(id));
    await waitFor(() => presence.count('r') === 1, 2000, 'b to be gone');
    assert.deepEqual(gone, [{ roomId: 'r', nickname: b.nickname }]);
    presence.close();
  });

  it('leaving twice, or undoing a join already left, takes nothing from another tab', () => {
    const { presence, gone } = tracked(10_000);
    const a = newVisitor();
    assert.equal(presence.join('r', a, '1'), true, 'a real join');
    assert.equal(presence.join('r', a, '2'), false, 'another tab');
    presence.leave('r', a.id, '1');
    presence.leave('r', a.id, '1');
    presence.undoJoin('r', a.id, '1');
    assert.equal(presence.has('r', a.id), true);
    presence.undoJoin('r', a.id, '2');
    assert.equal(presence.has('r', a.id), false, 'the last connection taken back: gone at once');
    assert.deepEqual(gone, [], 'and unannounced');
    presence.close();
  });

  it('a reload within the grace period is neither a leave nor a new arrival', async () => {
    const { presence, gone } = tracked();
    const [a, b] = [newVisitor(), newVisitor()];
    presence.join('r', a, 'a1');
    await sleep(5);
    presence.join('r', b, 'b1');
    presence.leave('r', a.id, 'a1');
    assert.equal(presence.has('r', a.id), true, 'present during the grace period');
    assert.equal(presence.join('r', a, 'a2'), false, 'back before it ended: not a new join');
    await sleep(PAST_GRACE_MS);
    assert.deepEqual(gone, []);
    assert.deepEqual(ids(presence.members('r')), [a.id, b.id], 'a keeps their place as the longest present');
    presence.close();
  });

  it('announces the person as they are when the grace period ends, and a return is a new arrival', async () => {
    const { presence, gone } = tracked();
    const [a, b] = [newVisitor(), newVisitor()];
    presence.join('r1', a, 'a1');
    presence.join('r2', a, 'a2');
    presence.join('r1', b, 'b1');
    assert.deepEqual(presence.roomsOf(a.id).sort(), ['r1', 'r2']);
    presence.update({ ...a, nickname: 'renamed' });
    assert.deepEqual(
      presence.members('r2').map((p) => p.nickname),
      ['renamed'],
      'renamed in every room',
    );
    presence.leave('r1', a.id, 'a1');
    await waitFor(() => gone.length === 1, 2000, 'a to be gone from r1');
    assert.deepEqual(gone, [{ roomId: 'r1', nickname: 'renamed' }]);
    assert.deepEqual(presence.roomsOf(a.id), ['r2'], 'still in the other room');
    assert.equal(presence.join('r1', a, 'a3'), true);
    assert.deepEqual(ids(presence.members('r1')), [b.id, a.id], 'at the end of the line');
    presence.close();
  });

  it('evicting someone during their grace period removes them at once and announces nothing', async () => {
    const { presence, gone } = tracked();
    const a = newVisitor();
    presence.join('r', a, '1');
    presence.leave('r', a.id, '1');
    assert.equal(presence.evict('r', a.id)?.id, a.id);
    assert.equal(presence.has('r', a.id), false);
    assert.equal(presence.evict('r', a.id), undefined, 'twice is nothing');
    assert.deepEqual(presence.members('r'), []);
    await sleep(PAST_GRACE_MS);
    assert.deepEqual(gone, [], 'nor later, when the grace period would have ended');
    presence.close();
  });

  it('forgetting a room drops everyone in it without a word, and leaves other rooms alone', async () => {
    const { presence, gone } = tracked();
    const [a, b] = [newVisitor(), newVisitor()];
    presence.join('doomed', a, 'a1');
    presence.join('doomed', b, 'b1');
    presence.join('other', b, 'b2');
    presence.leave('doomed', a.id, 'a1');
    presence.forget('doomed');
    assert.equal(presence.count('doomed'), 0);
    assert.deepEqual(presence.roomsOf(b.id), ['other']);
    presence.leave('doomed', b.id, 'b1');
    await sleep(PAST_GRACE_MS);
    assert.deepEqual(gone, []);
    assert.equal(presence.count('other'), 1);
    presence.close();
  });
});
