// The write coalescer's contract, on outlets that record what reaches them: a socket's frames go
// out in order in one write after the turn; sockets holding the same run of frames are written the
// very same joined bytes; nothing goes to a socket that is closing or gone; flushNow writes at
// once. (The whole path over real sockets is in delivery-order, slow-reader and ws-send-fallback.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawSocket } from '../../src/realtime/raw-socket.js';
import { flushNow, queueFrame, type Outlet } from '../../src/realtime/write-coalescer.js';

class Recorded implements RawSocket {
  destroyed = false;
  writes: Buffer[] = [];
  write(chunk: Buffer): boolean {
    this.writes.push(chunk);
    return true;
  }
}

function outlet(): Outlet & { raw: Recorded; isOpen: boolean } {
  const o = { raw: new Recorded(), isOpen: true, open: () => o.isOpen };
  return o;
}

const flushed = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
const frame = (text: string) => Buffer.from(text);

describe('write coalescer', () => {
  it('writes a socket its frames of one turn in order, in one write', async () => {
    const o = outlet();
    for (const t of ['a', 'b', 'c']) queueFrame(o, frame(t));
    assert.equal(o.raw.writes.length, 0, 'nothing before the flush');
    await flushed();
    assert.deepEqual(
      o.raw.writes.map((w) => w.toString()),
      ['abc'],
    );
  });

  it('joins a run once: sockets holding the same frames are written the same bytes', async () => {
    const frames = ['m1', 'm2', 'm3'].map(frame);
    const room = Array.from({ length: 50 }, outlet);
    for (const f of frames) for (const o of room) queueFrame(o, f);
    // One socket holds a different run (a frame only it was sent): it gets its own bytes.
    const other = room[20]!;
    queueFrame(other, frame('only-you'));
    await flushed();
    const first = room[0]!.raw.writes[0]!;
    assert.equal(first.toString(), 'm1m2m3');
    for (const o of room) assert.equal(o.raw.writes.length, 1);
    for (const o of room.filter((x) => x !== other)) assert.equal(o.raw.writes[0], first, 'the same Buffer');
    assert.equal(other.raw.writes[0]!.toString(), 'm1m2m3only-you');
  });

  it('keeps what was queued after a flush for the next one, in order', async () => {
    const o = outlet();
    queueFrame(o, frame('1'));
    await flushed();
    queueFrame(o, frame('2'));
    queueFrame(o, frame('3'));
    await flushed();
    assert.deepEqual(
      o.raw.writes.map((w) => w.toString()),
      ['1', '23'],
    );
  });

  it('writes nothing to a socket that is closing or destroyed', async () => {
    const closing = outlet();
    const gone = outlet();
    queueFrame(closing, frame('x'));
    queueFrame(gone, frame('y'));
    closing.isOpen = false;
    gone.raw.destroyed = true;
    await flushed();
    assert.equal(closing.raw.writes.length, 0);
    assert.equal(gone.raw.writes.length, 0);
  });

  it('flushNow writes the queued frames at once and leaves nothing for the flush', async () => {
    const o = outlet();
    queueFrame(o, frame('p'));
    queueFrame(o, frame('q'));
    flushNow(o);
    assert.deepEqual(
      o.raw.writes.map((w) => w.toString()),
      ['pq'],
    );
    await flushed();
    assert.equal(o.raw.writes.length, 1, 'not written twice');
    flushNow(o);
    assert.equal(o.raw.writes.length, 1, 'nothing queued: nothing written');
  });
});
