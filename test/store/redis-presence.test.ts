// The Redis presence store's scripts against a real redis-server, with two or three stores standing
// for instances (each its own connection and instance id): the last seat raced for from both, names
// that look alike, the grace period across instances and its end announced once, a ban that holds on
// the other instance, a killed instance swept, and connections written back after Redis lost them.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { newVisitor } from '../../src/chat/identity.js';
import { nameKeys } from '../../src/chat/text-hygiene.js';
import type { Person } from '../../src/shared/protocol.js';
import { RedisPresence } from '../../src/store/redis-presence.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const GRACE_MS = 300;
const HEARTBEAT_MS = 200;

interface Instance {
  store: RedisPresence;
  client: Redis;
  gone: Array<{ roomId: string; id: string }>;
}

const rules = (person: Person, max: number | null = 3) => ({
  max,
  nameKeys: nameKeys(person.nickname),
  checkNames: max !== null,
});
const ids = (people: Person[]) => people.map((p) => p.id).sort();

describe('Redis presence store', () => {
  let redis: TestRedis;
  const instances: Instance[] = [];
  /** Every room gets its own id, so the tests do not see each other's members. */
  let rooms = 0;
  const room = () => `room-${++rooms}`;

  async function instance(): Promise<Instance> {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const gone: Instance['gone'] = [];
    const store = new RedisPresence(client, {
      graceMs: GRACE_MS,
      heartbeatMs: HEARTBEAT_MS,
      dueMs: 50,
      onGone: (roomId, person) => gone.push({ roomId, id: person.id }),
      onError: () => undefined,
    });
    await store.start();
    const made = { store, client, gone };
    instances.push(made);
    return made;
  }

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const { store, client } of instances) {
      await store.close();
      client.disconnect();
    }
    await redis.stop();
  });

  it('ten people racing for three seats from two instances: exactly three get in, and both views agree', async () => {
    const [a, b] = [await instance(), await instance()];
    const r = room();
    const people = Array.from({ length: 10 }, () => newVisitor());
    const outcomes = await Promise.all(people.map((p, i) => (i % 2 ? a : b).store.join(r, p, `c${i}`, rules(p))));
    const inside = people.filter((_, i) => 'joined' in outcomes[i]!);
    assert.equal(inside.length, 3);
    for (const o of outcomes) if (!('joined' in o)) assert.equal(o.refused, 'full');
    await waitFor(() => a.store.count(r) === 3 && b.store.count(r) === 3, 5000, 'both views to show three');
    assert.deepEqual(ids(a.store.members(r)), ids(inside));
    assert.deepEqual(ids(b.store.members(r)), ids(inside));
  });

  it('a name that looks like a member on the other instance is refused; the owner (no rules) is not', async () => {
    const [a, b] = instances as [Instance, Instance];
    const r = room();
    const alice = { ...newVisitor(), nickname: 'Alice' };
    assert.deepEqual(await a.store.join(r, alice, 'c1', rules(alice)), { joined: true, first: true });
    const twin = { ...newVisitor(), nickname: 'ALICE' };
    assert.deepEqual(await b.store.join(r, twin, 'c2', rules(twin)), { refused: 'conflict', nickname: 'Alice' });
    const cyrillic = { ...newVisitor(), nickname: 'Аlice' };
    assert.deepEqual(await b.store.join(r, cyrillic, 'c3', rules(cyrillic)), {
      refused: 'conflict',
      nickname: 'Alice',
    });
    const owner = { ...newVisitor(), nickname: 'alice' };
    assert.deepEqual(await b.store.join(r, owner, 'c4', rules(owner, null)), { joined: true, first: true });
    // Renaming into a look-alike of someone present is refused too, and changes nothing.
    const bob = { ...newVisitor(), nickname: 'Bob' };
    await b.store.join(r, bob, 'c5', rules(bob));
    const renamed = await b.store.rename({ ...bob, nickname: 'A1ice' }, nameKeys('A1ice'));
    assert.match(renamed?.conflict ?? '', /^alice$/i, 'Alice, or the owner alice');
    assert.equal(a.store.members(r).find((p) => p.id === bob.id)?.nickname ?? 'Bob', 'Bob');
    assert.equal(await b.store.rename({ ...bob, nickname: 'Robert' }, nameKeys('Robert')), undefined);
    await waitFor(() => a.store.members(r).some((p) => p.nickname === 'Robert'), 5000, 'the rename on A');
  });

  it('leaving on A and coming back on B within the grace is no leave; gone after it, announced once', async () => {
    const [a, b] = instances as [Instance, Instance];
    const r = room();
    const carol = newVisitor();
    await a.store.join(r, carol, 'a1', rules(carol));
    await a.store.leave(r, carol.id, 'a1');
    await sleep(GRACE_MS / 3);
    assert.deepEqual(await b.store.join(r, carol, 'b1', rules(carol)), { joined: true, first: false });
    await sleep(GRACE_MS * 2);
    assert.equal(a.store.has(r, carol.id), true);
    assert.deepEqual(
      [...a.gone, ...b.gone].filter((g) => g.roomId === r),
      [],
    );
    await b.store.leave(r, carol.id, 'b1');
    await waitFor(() => !a.store.has(r, carol.id) && !b.store.has(r, carol.id), 5000, 'carol gone on both');
    await sleep(GRACE_MS);
    assert.deepEqual(
      [...a.gone, ...b.gone].filter((g) => g.roomId === r),
      [{ roomId: r, id: carol.id }],
    );
  });

  it('a kick with a ban on A refuses the join on B; an undone join frees the seat at once', async () => {
    const [a, b] = instances as [Instance, Instance];
    const r = room();
    const dave = newVisitor();
    await b.store.join(r, dave, 'b1', rules(dave));
    const evicted = await a.store.evict(r, dave.id, { ban: true });
    assert.equal(evicted?.id, dave.id);
    assert.deepEqual(await b.store.join(r, dave, 'b2', rules(dave)), { refused: 'banned' });
    const erin = newVisitor();
    await b.store.join(r, erin, 'b3', rules(erin, 1));
    await b.store.undoJoin(r, erin.id, 'b3');
    assert.equal(b.store.count(r), 0);
    await sleep(GRACE_MS * 2);
    assert.deepEqual(
      [...a.gone, ...b.gone].filter((g) => g.roomId === r),
      [],
      'neither is announced as gone',
    );
    await a.store.forget(r);
    const again = await a.store.join(r, dave, 'a2', rules(dave));
    assert.ok('joined' in again, 'a forgotten room forgets its bans');
  });

  it('an instance that stops heartbeating (killed) loses its members after the grace, announced once', async () => {
    const [a] = instances as [Instance];
    const killed = await instance();
    const r = room();
    const [frank, gina] = [newVisitor(), newVisitor()];
    await killed.store.join(r, frank, 'k1', rules(frank));
    await a.store.join(r, gina, 'a1', rules(gina));
    await killed.store.join(r, gina, 'k2', rules(gina));
    await waitFor(() => a.store.count(r) === 2, 5000, 'both on A');
    // As kill -9 does: its connection drops, its timers never reach Redis again.
    killed.client.disconnect();
    const start = Date.now();
    await waitFor(() => !a.store.has(r, frank.id), HEARTBEAT_MS * 3 + GRACE_MS + 3000, 'frank swept');
    assert.ok(Date.now() - start >= GRACE_MS, 'not before the grace');
    assert.equal(a.store.has(r, gina.id), true, 'gina keeps her connection on A');
    const announced = instances.flatMap((i) => i.gone).filter((g) => g.roomId === r);
    assert.deepEqual(announced, [{ roomId: r, id: frank.id }]);
  });

  it('live connections are written back when Redis restarts empty', async () => {
    const [a, b] = instances as [Instance, Instance];
    const r = room();
    const hank = newVisitor();
    await a.store.join(r, hank, 'a1', rules(hank));
    await a.client.flushall();
    await waitFor(async () => (await b.client.hexists(`gifchat:presence:m:${r}`, hank.id)) === 1, 5000, 'restored');
    await waitFor(() => b.store.has(r, hank.id) && a.store.has(r, hank.id), 5000, 'present on both views');
  });
});
