// Two instances over one database and one Redis (REDIS_URL): a room's messages reach every socket
// on every instance in one order, each once, whoever sent them where; a reader who drops and comes
// back on the other instance catches up exactly; Redis stopping mid-burst loses and duplicates no
// acknowledged message.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { MessageView } from '../../src/shared/protocol.js';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { startApp, stopProcess } from '../helpers/processes.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

/** The chat messages a socket received live and by catch-up, in the order it received them. */
function chatsOf(socket: TestSocket, roomId: string): MessageView[] {
  const out: MessageView[] = [];
  for (const f of socket.frames) {
    if (f.type === 'message' && f.message.roomId === roomId) out.push(f.message);
    if (f.type === 'catchup' && f.roomId === roomId) out.push(...f.messages);
  }
  return out.filter((m) => m.kind === 'chat');
}

/** Sends `n` chats at once; resolves with the ids acknowledged (refusals are left out). */
async function burst(socket: TestSocket, roomId: string, tag: string, n: number, pauseMs = 0): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  for (const clientId of ids) {
    socket.send({ type: 'chat', roomId, text: `${tag} says ${clientId}`, clientId });
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  const answered = (f: (typeof socket.frames)[number]) =>
    (f.type === 'ack' || f.type === 'error') && f.clientId !== undefined && ids.includes(f.clientId);
  await socket.until((frames) => frames.filter(answered).length >= n, 30_000);
  return socket.frames.flatMap((f) => (f.type === 'ack' && ids.includes(f.clientId) ? [f.id] : []));
}

const ascending = (ms: MessageView[]) => ms.every((m, i) => i === 0 || ms[i - 1]!.seq < m.seq);

describe('one room served by two instances', () => {
  let d: Deployment;
  const sockets: TestSocket[] = [];
  before(async () => {
    d = await startDeployment(2);
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await d.close();
  });
  const on = (i: number) => d.instances[i]!.baseUrl;

  async function roomWithPeople(n: number) {
    const owner = await Visitor.create(on(0));
    const roomId = await owner.createRoom('busy', { max: 30 });
    const people = [owner];
    for (let i = 1; i < n; i++) people.push(await Visitor.create(on(i % 2)));
    return { roomId, people };
  }

  it('4 senders on both instances post 400 messages at once; readers on both get one sequence, each once', async () => {
    const { roomId, people } = await roomWithPeople(6);
    const [readerA, readerB, ...senders] = await Promise.all(people.map((p) => p.enter(roomId)));
    sockets.push(readerA!, readerB!, ...senders);
    const acked = (await Promise.all(senders.map((s, i) => burst(s, roomId, `s${i}`, 100)))).flat();
    assert.equal(acked.length, 400, 'every message acknowledged');
    for (const reader of [readerA!, readerB!]) {
      await reader.until(() => chatsOf(reader, roomId).length >= 400, 15_000);
    }
    const seenA = chatsOf(readerA!, roomId);
    const seenB = chatsOf(readerB!, roomId);
    assert.deepEqual(
      seenA.map((m) => m.id),
      seenB.map((m) => m.id),
      'the same sequence on both instances',
    );
    assert.equal(new Set(seenA.map((m) => m.id)).size, 400, 'each message once');
    assert.deepEqual(new Set(seenA.map((m) => m.id)), new Set(acked), 'exactly the acknowledged ones');
    assert.ok(ascending(seenA), 'in place order');
    // Every sender, whichever instance it is on, sees that same order too.
    for (const s of senders) {
      await s.until(() => chatsOf(s, roomId).length >= 400, 15_000);
      assert.deepEqual(
        chatsOf(s, roomId).map((m) => m.id),
        seenA.map((m) => m.id),
      );
    }
    // History over HTTP, on either instance, reads the same order.
    const page = await people[0]!.at(on(1)).history(roomId, '?limit=100');
    assert.deepEqual(
      page.messages.filter((m) => m.kind === 'chat').map((m) => m.id),
      seenA.slice(-100).map((m) => m.id),
    );
  });

  it('a reader who drops and reconnects to the other instance catches up exactly', async () => {
    const { roomId, people } = await roomWithPeople(3);
    const [reader, onA, onB] = await Promise.all(people.map((p) => p.enter(roomId)));
    sockets.push(onA!, onB!);
    const first = [...(await burst(onA!, roomId, 'a1', 30)), ...(await burst(onB!, roomId, 'b1', 30))];
    await reader!.until(() => chatsOf(reader!, roomId).length >= 60);
    const before = chatsOf(reader!, roomId);
    reader!.ws.close();
    await reader!.closed();
    const missed = (await Promise.all([burst(onA!, roomId, 'a2', 40), burst(onB!, roomId, 'b2', 40)])).flat();
    // Back, on the other instance, asking for what came after the last message it had.
    const back = await people[0]!.at(on(1)).socket(d.instances[1]!.wsUrl);
    sockets.push(back);
    back.send({ type: 'join', roomId, after: before.at(-1)!.id });
    const live = Promise.all([burst(onA!, roomId, 'a3', 20), burst(onB!, roomId, 'b3', 20)]);
    // Catch-up comes a page at a time; the client asks for the next page after its newest.
    const caught: MessageView[] = [];
    for (;;) {
      const page = await back.next('catchup', (f) => f.roomId === roomId, 10_000);
      caught.push(...page.messages.filter((m) => m.kind === 'chat'));
      if (!page.more) break;
      back.send({ type: 'history', roomId, after: page.messages.at(-1)!.id });
    }
    const later = (await live).flat();
    await back.until(() => caught.length + chatsOf(back, roomId).length >= 80 + 40, 15_000);
    // Live messages wait behind each catch-up page, so pages and live frames interleave in order.
    const received = [...caught, ...chatsOf(back, roomId)].sort((x, y) => x.seq - y.seq);
    const all = [...before, ...received];
    assert.equal(new Set(all.map((m) => m.id)).size, all.length, 'nothing twice');
    assert.deepEqual(new Set(all.map((m) => m.id)), new Set([...first, ...missed, ...later]), 'nothing missing');
    assert.ok(ascending(all), 'in place order, across the drop');
  });

  it('an instance killed with -9: its readers reconnect to another and catch up exactly', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-killed-'));
    const doomed = await startApp(dir, { ...d.env, PRESENCE_GRACE_MS: '100' });
    try {
      const { roomId, people } = await roomWithPeople(2);
      const reader = await people[1]!.at(doomed.url).enter(roomId);
      const sender = await people[0]!.enter(roomId);
      sockets.push(sender);
      const first = await burst(sender, roomId, 'k1', 30);
      await reader.until(() => chatsOf(reader, roomId).length >= 30);
      await stopProcess(doomed.child, 'SIGKILL');
      await reader.closed();
      const missed = await burst(sender, roomId, 'k2', 30);
      const back = await people[1]!.at(on(0)).socket(d.instances[0]!.wsUrl);
      sockets.push(back);
      back.send({ type: 'join', roomId, after: chatsOf(reader, roomId).at(-1)!.id });
      const page = await back.next('catchup', (f) => f.roomId === roomId, 10_000);
      const all = [...chatsOf(reader, roomId), ...page.messages.filter((m) => m.kind === 'chat')];
      assert.deepEqual(
        all.map((m) => m.id),
        [...first, ...missed],
      );
    } finally {
      await stopProcess(doomed.child);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Redis stopping and starting again mid-burst loses and duplicates no acknowledged message', async () => {
    const { roomId, people } = await roomWithPeople(4);
    const [readerA, readerB, onA, onB] = await Promise.all(people.map((p) => p.enter(roomId)));
    sockets.push(readerA!, readerB!, onA!, onB!);
    const sending = Promise.all([burst(onA!, roomId, 'ra', 150, 4), burst(onB!, roomId, 'rb', 150, 4)]);
    await new Promise((r) => setTimeout(r, 150));
    await d.stopRedis();
    await new Promise((r) => setTimeout(r, 500));
    await d.startRedis();
    const acked = (await sending).flat();
    const refused = [onA!, onB!].flatMap((s) => s.frames.flatMap((f) => (f.type === 'error' ? [f.code] : [])));
    assert.ok(
      refused.every((code) => code === 'unavailable'),
      'a send that could not be ordered is refused as unavailable',
    );
    assert.ok(acked.length > 0);
    for (const reader of [readerA!, readerB!]) {
      await waitFor(
        () => {
          const seen = new Set(chatsOf(reader, roomId).map((m) => m.id));
          return acked.every((id) => seen.has(id));
        },
        20_000,
        'every acknowledged message to reach the reader',
      );
      const ids = chatsOf(reader, roomId).map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length, 'none twice');
    }
    // Sending works again once Redis is back.
    assert.equal((await burst(onA!, roomId, 'after', 3)).length, 3);
  });

  it('a removed room leaves no place counter behind in Redis', async () => {
    const { roomId, people } = await roomWithPeople(2);
    const [owner, other] = await Promise.all(people.map((p) => p.enter(roomId)));
    sockets.push(owner!, other!);
    await burst(other!, roomId, 'gone', 3);
    const redis = new Redis(d.redis.url);
    try {
      const key = `gifchat:room:${roomId}:seq`;
      assert.equal(await redis.exists(key), 1, 'the room has a counter while it lives');
      const res = await people[0]!.fetch(`/room/${roomId}`, { method: 'DELETE' });
      assert.equal(res.status, 204);
      await waitFor(async () => (await redis.exists(key)) === 0, 5000, 'the counter to go with the room');
    } finally {
      redis.disconnect();
    }
  });
});
