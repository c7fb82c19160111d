// The message id source: bson's real ObjectId generator fed a clock that steps back and a counter
// about to wrap at 2^24. Every id must still be greater than the one before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectId } from 'bson';
import { monotonicIds } from '../../src/store/message-ids.js';

/** bson's process-wide counter (a private static): set it to make the wrap happen now. */
const counter = ObjectId as unknown as { index: number };

function assertGrowing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++)
    assert.ok(ids[i]! > ids[i - 1]!, `id ${i} (${ids[i]}) is not above ${ids[i - 1]}`);
  for (const id of ids) assert.ok(ObjectId.isValid(id) && id.length === 24, `${id} is not an ObjectId`);
}

describe('message ids', () => {
  it('keep growing when the clock steps back', () => {
    let seconds = 1_800_000_000;
    const fresh = () => ObjectId.generate(seconds);
    const raw = [ObjectId.generate(seconds)];
    const source = monotonicIds(fresh);
    const ids = [source.next(), source.next()];
    seconds -= 3600;
    raw.push(ObjectId.generate(seconds));
    assert.ok(Buffer.compare(Buffer.from(raw[1]!), Buffer.from(raw[0]!)) < 0, 'the raw ids do go backwards');
    for (let i = 0; i < 5; i++) ids.push(source.next());
    assertGrowing(ids);
    // Still an ObjectId whose time is the last one handed out before the step.
    assert.equal(new ObjectId(ids.at(-1)!).getTimestamp().getTime(), 1_800_000_000_000);
    seconds += 7200;
    const later = source.next();
    assertGrowing([...ids, later]);
    assert.equal(
      new ObjectId(later).getTimestamp().getTime(),
      (1_800_000_000 + 3600) * 1000,
      'back on the clock once it is ahead',
    );
  });

  it('keep growing when the counter wraps at 2^24 within one second', () => {
    const seconds = 1_800_000_000;
    const source = monotonicIds(() => ObjectId.generate(seconds));
    counter.index = 0xfffffd;
    const ids = Array.from({ length: 6 }, () => source.next());
    assertGrowing(ids);
    counter.index = 0xfffffd;
    const raw = Array.from({ length: 6 }, () => new ObjectId(ObjectId.generate(seconds)).toHexString());
    assert.ok(
      raw.some((id, i) => i > 0 && id < raw[i - 1]!),
      'the raw ids do wrap',
    );
  });

  it('continue above a seeded id in their own process series', () => {
    const source = monotonicIds(() => ObjectId.generate(1_000_000_000));
    const own = new ObjectId(ObjectId.generate(1_000_000_000)).toHexString().slice(8, 18);
    source.seed('7fffffff00000000ffffffff');
    assert.equal(source.next(), `80000000${own}000000`, 'the second after, with this process bytes');
    assert.equal(source.next(), `80000000${own}000001`);
    source.seed('000000000000000000000000');
    assert.equal(source.next(), `80000000${own}000002`, 'a lower seed changes nothing');
    source.seed(`80000000${own}ffffff`);
    assert.equal(source.next(), `80000001${own}000000`, 'a full count carries into the second');
    assert.throws(() => source.seed('abc'));
  });

  it('never hand out the id another instance hands out next, after seeding from its newest', () => {
    // Two processes in one second: each ObjectId carries its process's five fixed bytes.
    const seconds = 1_800_000_000;
    const processId = (fixed: string) => () => {
      const id = Buffer.from(ObjectId.generate(seconds));
      Buffer.from(fixed, 'hex').copy(id, 4);
      return id;
    };
    const first = monotonicIds(processId('ffffffff00'));
    const made = [first.next(), first.next()];
    // A second instance starts and continues above the newest id stored (the first's, bigger fixed bytes).
    const second = monotonicIds(processId('0000000001'));
    second.seed(made.at(-1)!);
    const fromSecond = Array.from({ length: 50 }, () => second.next());
    const fromFirst = Array.from({ length: 50 }, () => first.next());
    assertGrowing(fromSecond);
    assert.ok(fromSecond[0]! > made.at(-1)!, 'above the seed');
    assert.equal(new Set([...made, ...fromFirst, ...fromSecond]).size, 102, 'no id made twice');
    for (const id of fromSecond) assert.equal(id.slice(8, 18), '0000000001', 'the second keeps its own fixed bytes');
  });
});
