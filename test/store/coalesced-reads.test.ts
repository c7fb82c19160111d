// Coalesced re-reads: a burst of requests while a read runs costs one more read, which starts after
// every one of them asked; a failed read does not stop the next.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { CoalescedReads } from '../../src/store/coalesced-reads.js';

describe('coalesced reads', () => {
  it('five asks during a read share one more read, begun after they asked', async () => {
    const reads = new CoalescedReads();
    const started: number[] = [];
    let fail = true;
    const read = async () => {
      started.push(Date.now());
      await sleep(30);
      if (fail) {
        fail = false;
        throw new Error('first read fails');
      }
    };
    const first = reads.run('r', read);
    await sleep(5);
    const asked = Date.now();
    const burst = Array.from({ length: 5 }, () => reads.run('r', read));
    await assert.rejects(first, /first read fails/);
    await Promise.all(burst);
    assert.equal(started.length, 2);
    assert.ok(started[1]! >= asked);
    await reads.run('r', read);
    await reads.run('other', read);
    assert.equal(started.length, 4, 'a settled key reads afresh');
  });
});
