// The rules that keep a room's newest messages in memory exact: what is kept, what a viewer sees
// of it, and every way an entry learns it can no longer account for a place (and is dropped, so
// the page is read from the database again).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NewestMessages, KEEP, type HeldRecord } from '../../src/chat/newest-messages.js';
import type { MessageView, UserView } from '../../src/shared/protocol.js';

const ROOM = 'a'.repeat(24);
const ann: UserView = { id: 'ann', nickname: 'Ann', color: 'red' };
const bob: UserView = { id: 'bob', nickname: 'Bob', color: 'blue' };

function view(seq: number, extra: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    roomId: ROOM,
    kind: 'chat',
    author: ann,
    system: null,
    to: null,
    text: `chat ${seq}`,
    gif: null,
    createdAt: new Date(0).toISOString(),
    clientId: null,
    deletes: null,
    seq,
    ...extra,
  };
}
const held = (v: MessageView, deleted = false): HeldRecord => ({ view: v, deleted });
const places = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => held(view(from + i)));
const texts = (p: { messages: MessageView[] } | undefined) => p?.messages.map((m) => m.text);

/** A cache whose room cursor and clock the test moves. */
function cacheWith(start: { cursor?: number } = {}) {
  const state = { cursor: start.cursor ?? 0, now: 1_000 };
  const cache = new NewestMessages(
    () => state.cursor,
    () => state.now,
  );
  return { cache, state };
}

describe('newest messages kept in memory', () => {
  it('serves the newest page from what was read, then follows delivered messages', () => {
    const { cache, state } = cacheWith();
    cache.fill(ROOM, places(1, 5), true);
    assert.deepEqual(texts(cache.page(ROOM, 'ann', 3)), ['chat 3', 'chat 4', 'chat 5']);
    assert.equal(cache.page(ROOM, 'ann', 3)!.hasMore, true);
    assert.deepEqual(cache.page(ROOM, 'ann', 10), { messages: places(1, 5).map((r) => r.view), hasMore: false });
    state.cursor = 6;
    cache.delivered(view(6));
    assert.deepEqual(texts(cache.page(ROOM, 'ann', 2)), ['chat 5', 'chat 6']);
  });

  it('shows whispers only to their two people, and neither deleted messages nor deletion records', () => {
    const { cache, state } = cacheWith();
    cache.fill(
      ROOM,
      [held(view(1)), held(view(2, { kind: 'whisper', to: bob, text: 'psst' })), held(view(3), true)],
      true,
    );
    assert.deepEqual(texts(cache.page(ROOM, 'ann', 10)), ['chat 1', 'psst']);
    assert.deepEqual(texts(cache.page(ROOM, 'bob', 10)), ['chat 1', 'psst']);
    assert.deepEqual(texts(cache.page(ROOM, 'cat', 10)), ['chat 1']);
    state.cursor = 4;
    cache.delivered(view(4, { kind: 'delete', deletes: 'm1', text: '' }));
    assert.deepEqual(texts(cache.page(ROOM, 'bob', 10)), ['psst']);
    assert.deepEqual(cache.page(ROOM, 'cat', 10), { messages: [], hasMore: false });
  });

  it('says it does not know when the viewer may have older messages it does not hold', () => {
    const { cache } = cacheWith();
    cache.fill(ROOM, places(11, 15), false);
    assert.equal(cache.page(ROOM, 'ann', 10), undefined, 'fewer than asked for, and older ones exist');
    assert.deepEqual(texts(cache.page(ROOM, 'ann', 4)), ['chat 12', 'chat 13', 'chat 14', 'chat 15']);
    const whispers = [...places(1, 3), ...places(4, 9).map((r) => held({ ...r.view, kind: 'whisper', to: bob }))];
    cache.fill(ROOM, whispers, true);
    assert.deepEqual(texts(cache.page(ROOM, 'cat', 5)), ['chat 1', 'chat 2', 'chat 3'], 'the whole room is held');
  });

  it('keeps no read with a gap in it, nor one this process has delivered past', () => {
    const { cache, state } = cacheWith();
    cache.fill(ROOM, [...places(1, 3), ...places(5, 6)], true);
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'place 4 was still being written');
    cache.fill(ROOM, places(2, 6), true);
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'a complete room starts at place 1');
    state.cursor = 7;
    cache.fill(ROOM, places(1, 6), true);
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'place 7 was delivered before the read came back');
  });

  it('drops an entry that cannot account for a place', () => {
    const { cache, state } = cacheWith();
    const fresh = () => {
      state.cursor = 5;
      cache.fill(ROOM, places(1, 5), true);
      assert.ok(cache.page(ROOM, 'ann', 2));
    };
    fresh();
    cache.delivered(view(7));
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'place 6 skipped');
    fresh();
    cache.delivered(view(4, { id: 'another' }));
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'a place it holds, by another message');
    fresh();
    cache.delivered(view(5));
    assert.ok(cache.page(ROOM, 'ann', 2), 'the message it read, delivered after the read: nothing new');
    state.cursor = 6;
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'the cursor moved past it with no delivery');
    fresh();
    state.now += 60_001;
    assert.equal(cache.page(ROOM, 'ann', 2), undefined, 'expired');
  });

  it('steps aside while a message stored here has not come round for delivery', () => {
    const { cache, state } = cacheWith();
    cache.fill(ROOM, places(1, 5), true);
    cache.stored(ROOM, 6);
    assert.equal(cache.page(ROOM, 'ann', 2), undefined);
    state.cursor = 6;
    cache.delivered(view(6));
    assert.deepEqual(texts(cache.page(ROOM, 'ann', 2)), ['chat 5', 'chat 6']);
  });

  it(`keeps ${KEEP} records of a room, and a bounded number of rooms`, () => {
    const { cache, state } = cacheWith();
    cache.fill(ROOM, places(1, 1), true);
    for (let seq = 2; seq <= KEEP + 10; seq++) {
      state.cursor = seq;
      cache.delivered(view(seq));
    }
    const page = cache.page(ROOM, 'ann', 100)!;
    assert.equal(page.messages.at(-1)!.seq, KEEP + 10);
    assert.equal(page.hasMore, true);
    assert.equal(cache.page(ROOM, 'cat', KEEP + 5), undefined, 'the oldest went: no longer the whole room');
    const rooms = Array.from({ length: 300 }, (_, i) => i.toString(16).padStart(24, '0'));
    state.cursor = 0;
    for (const r of rooms) cache.fill(r, [held({ ...view(1), roomId: r })], true);
    assert.equal(cache.page(rooms[0]!, 'ann', 1), undefined, 'the least recently read room went');
    assert.ok(cache.page(rooms.at(-1)!, 'ann', 1));
  });

  it('forgets a removed room', () => {
    const { cache } = cacheWith();
    cache.fill(ROOM, places(1, 2), true);
    cache.forget(ROOM);
    assert.equal(cache.page(ROOM, 'cat', 2), undefined);
  });
});
