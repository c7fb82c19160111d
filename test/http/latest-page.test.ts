// A room's latest page (GET /room/:id/messages, and the room page) is served from memory on each
// instance. Whatever happens in the room — chats and whispers from both instances, deletions,
// joins, many readers at once — it shows what the database holds for that reader: at once for
// the reader's own acknowledged changes on the instance they use, and within moments of a change
// made on the other instance (once it has come round through Redis).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, ObjectId } from 'mongodb';
import type { MessageView } from '../../src/shared/protocol.js';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

interface Person {
  v: Visitor;
  socket: TestSocket;
  /** Messages this person posted and has not deleted. */
  own: string[];
}

/** The same sequence of choices on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the latest page, served from memory, is what the database holds', () => {
  let d: Deployment;
  let db: MongoClient;
  const sockets: TestSocket[] = [];
  before(async () => {
    d = await startDeployment(2);
    db = await MongoClient.connect(d.env.MONGO_URL!);
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await db.close();
    await d.close();
  });

  /** The ids of the newest `n` messages `viewerId` may see, oldest first, read from the database. */
  async function truth(roomId: string, viewerId: string, n: number) {
    const docs = await db
      .db()
      .collection('messages')
      .find({
        room: new ObjectId(roomId),
        deleted: { $ne: true },
        kind: { $ne: 'delete' },
        $or: [{ to: null }, { 'author.id': viewerId }, { 'to.id': viewerId }],
      })
      .sort({ seq: -1 })
      .limit(n + 1)
      .toArray();
    return {
      ids: docs
        .slice(0, n)
        .map((m) => m._id.toHexString())
        .reverse(),
      hasMore: docs.length > n,
    };
  }

  async function page(p: Person, roomId: string, n: number) {
    const got = await p.v.history(roomId, `?limit=${n}`);
    return { ids: got.messages.map((m) => m.id), hasMore: got.hasMore, messages: got.messages };
  }

  /** Everyone in a room of four, two on each instance, each with a socket in it. */
  async function roomOfFour(): Promise<{ roomId: string; people: Person[] }> {
    const owner = await Visitor.create(d.instances[0]!.baseUrl);
    const roomId = await owner.createRoom('latest page', { max: 10 });
    const people: Person[] = [];
    for (let i = 0; i < 4; i++) {
      const v = i === 0 ? owner : await Visitor.create(d.instances[i % 2]!.baseUrl);
      const socket = await v.enter(roomId);
      sockets.push(socket);
      people.push({ v, socket, own: [] });
    }
    return { roomId, people };
  }

  it('after every chat, whisper and deletion on either instance, for every reader on both', async () => {
    const { roomId, people } = await roomOfFour();
    const next = random(16);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const sizes = [1, 3, 10, 50, 100];
    for (let step = 0; step < 120; step++) {
      const actor = pick(people);
      const roll = next();
      if (roll < 0.55) {
        const res = await actor.v.postJson(`/room/${roomId}/chat`, { chat: `chat ${step}` });
        assert.equal(res.status, 201, await res.clone().text());
        actor.own.push(((await res.json()) as { message: MessageView }).message.id);
      } else if (roll < 0.75) {
        const to = pick(people.filter((p) => p !== actor));
        const clientId = `w${step}`;
        actor.socket.send({ type: 'whisper', roomId, to: to.v.me.id, text: `whisper ${step}`, clientId });
        actor.own.push((await actor.socket.next('ack', (f) => f.clientId === clientId)).id);
      } else if (actor.own.length > 0) {
        const id = actor.own.splice(Math.floor(next() * actor.own.length), 1)[0]!;
        const res = await actor.v.fetch(`/room/${roomId}/messages/${id}`, { method: 'DELETE' });
        assert.equal(res.status, 204, await res.text());
      }
      // The one who acted sees it at once on their own instance, whatever the page size.
      const n = pick(sizes);
      const { ids, hasMore } = await page(actor, roomId, n);
      assert.deepEqual({ ids, hasMore }, await truth(roomId, actor.v.me.id, n), `step ${step}, ${n} newest`);
      if (step % 15 === 14) {
        for (const p of people) {
          for (const instance of d.instances) {
            const reader = { ...p, v: p.v.at(instance.baseUrl) };
            const want = await truth(roomId, p.v.me.id, 50);
            await waitFor(
              async () => {
                const got = await page(reader, roomId, 50);
                return JSON.stringify({ ids: got.ids, hasMore: got.hasMore }) === JSON.stringify(want);
              },
              5_000,
              `step ${step}: ${p.v.me.nickname}'s page on ${instance.baseUrl}`,
            );
          }
        }
      }
    }
    // Field for field what the database-read pages carry (`after` pages are always read there).
    for (const p of people) {
      const latest = await page(p, roomId, 20);
      const before = await p.v.history(roomId, `?before=${latest.ids[0]}&limit=1`);
      const fromDb = await p.v.history(roomId, `?after=${before.messages[0]!.id}&limit=20`);
      assert.deepEqual(latest.messages, fromDb.messages);
    }
  });

  it('many readers at once while both instances take chats: each page in order, all of them right after', async () => {
    const { roomId, people } = await roomOfFour();
    const posts = people.flatMap((p, i) =>
      Array.from({ length: 15 }, (_, k) => p.v.postJson(`/room/${roomId}/chat`, { chat: `burst ${i}.${k}` })),
    );
    const reads = people.flatMap((p) =>
      d.instances.flatMap((instance) =>
        Array.from({ length: 10 }, () => page({ ...p, v: p.v.at(instance.baseUrl) }, roomId, 50)),
      ),
    );
    const [posted, pages] = await Promise.all([Promise.all(posts), Promise.all(reads)]);
    assert.ok(posted.every((r) => r.status === 201));
    for (const got of pages) {
      const seqs = got.messages.map((m) => m.seq);
      assert.ok(
        seqs.every((s, i) => i === 0 || seqs[i - 1]! < s),
        `in place order, none twice: ${seqs.join(',')}`,
      );
    }
    for (const p of people) {
      const want = await truth(roomId, p.v.me.id, 50);
      for (const instance of d.instances) {
        await waitFor(
          async () => (await page({ ...p, v: p.v.at(instance.baseUrl) }, roomId, 50)).ids.join() === want.ids.join(),
          5_000,
          `${p.v.me.nickname}'s page on ${instance.baseUrl}`,
        );
      }
    }
  });
});
