// With REDIS_URL set, who is in which room is one list for every instance: two real instances (and
// a third run as a child process, to kill with -9) over one standalone database and one private
// redis-server. The last seat raced for from both, a reload that lands on the other instance, a
// killed instance's members, look-alike names and kicks across instances.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { ServerFrame } from '../../src/shared/protocol.js';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { startApp, stopProcess } from '../helpers/processes.js';
import type { TestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

const GRACE_MS = 1500;

describe('presence shared across instances (REDIS_URL)', () => {
  let d: Deployment;
  let a: TestServer;
  let b: TestServer;
  let env: Record<string, string>;
  const sockets: TestSocket[] = [];

  before(async () => {
    d = await startDeployment(2, { PRESENCE_GRACE_MS: String(GRACE_MS), CHAT_PER_10S: '20', WS_FRAMES_PER_10S: '120' });
    [a, b] = d.instances as [TestServer, TestServer];
    env = d.env;
  });

  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await d.close();
  });

  const wsOf = (v: Visitor) => `${v.baseUrl.replace(/^http/, 'ws')}/ws`;

  async function enter(v: Visitor, roomId: string): Promise<TestSocket> {
    const socket = await v.enter(roomId);
    sockets.push(socket);
    return socket;
  }

  /** Sends a join and answers with the frame that settles it: joined, or the error. */
  async function tryJoin(v: Visitor, roomId: string): Promise<ServerFrame> {
    const socket = await v.socket(wsOf(v));
    sockets.push(socket);
    socket.send({ type: 'join', roomId });
    await socket.until((frames) => frames.some((f) => f.type === 'joined' || f.type === 'error'));
    return socket.frames.find((f) => f.type === 'joined' || f.type === 'error')!;
  }

  async function memberCount(server: TestServer, roomId: string): Promise<number | undefined> {
    const res = await fetch(`${server.baseUrl}/rooms`);
    const { rooms } = (await res.json()) as { rooms: Array<{ id: string; memberCount: number }> };
    return rooms.find((r) => r.id === roomId)?.memberCount;
  }

  /** The member ids the room page lists, as the given visitor (the owner may always open it). */
  async function pageMembers(v: Visitor, roomId: string): Promise<string[]> {
    const res = await v.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    return [...(await res.text()).matchAll(/data-user-id="([^"]+)"/g)].map((m) => m[1]!).sort();
  }

  async function systemEvents(v: Visitor, roomId: string): Promise<string[]> {
    const { messages } = await v.history(roomId, '?limit=100');
    return messages.flatMap((m) => (m.system ? [`${m.system.event} ${m.system.name}`] : []));
  }

  it('ten people race for the last seat from both instances: one gets it, and both list the same three', async () => {
    const owner = await Visitor.create(a.baseUrl);
    const roomId = await owner.createRoom('last seat', { max: 3 });
    await enter(owner, roomId);
    await enter(await Visitor.create(b.baseUrl), roomId);
    const racers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => Visitor.create(i % 2 ? a.baseUrl : b.baseUrl)),
    );
    const answers = await Promise.all(racers.map((v) => tryJoin(v, roomId)));
    const won = answers.filter((f) => f.type === 'joined');
    assert.equal(won.length, 1, JSON.stringify(answers.map((f) => f.type)));
    for (const f of answers) if (f.type === 'error') assert.equal(f.code, 'room_full');
    const expected = (won[0] as Extract<ServerFrame, { type: 'joined' }>).members.map((m) => m.id).sort();
    assert.equal(expected.length, 3);
    await waitFor(
      async () => (await memberCount(a, roomId)) === 3 && (await memberCount(b, roomId)) === 3,
      5000,
      'the lobby count 3 on both',
    );
    assert.deepEqual(await pageMembers(owner, roomId), expected);
    assert.deepEqual(await pageMembers(owner.at(b.baseUrl), roomId), expected);
  });

  it('leaving on A and coming back on B within the grace is no leave and no second join', async () => {
    const owner = await Visitor.create(a.baseUrl);
    const roomId = await owner.createRoom('reload');
    await enter(owner, roomId);
    const ivy = await Visitor.create(a.baseUrl);
    const first = await enter(ivy, roomId);
    first.ws.close();
    await first.closed();
    await enter(ivy.at(b.baseUrl), roomId);
    await sleep(GRACE_MS + 1000);
    assert.deepEqual(await pageMembers(owner, roomId), [owner.me.id, ivy.me.id].sort());
    assert.deepEqual(await pageMembers(owner.at(b.baseUrl), roomId), [owner.me.id, ivy.me.id].sort());
    const events = await systemEvents(owner, roomId);
    assert.deepEqual(
      events.filter((e) => e.endsWith(ivy.me.nickname)),
      [`join ${ivy.me.nickname}`],
    );
  });

  it('an instance killed with -9: its members leave every list within the grace and a few seconds; leave and new owner announced once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-presence-killed-'));
    const killed = await startApp(dir, env);
    try {
      // The owner is on the instance that dies: the room passes to mia, once.
      const jay = await Visitor.create(killed.url);
      const roomId = await jay.createRoom('killed');
      const there = await jay.socket(wsOf(jay));
      sockets.push(there);
      await there.join(roomId);
      const mia = await Visitor.create(a.baseUrl);
      await enter(mia, roomId);
      await waitFor(async () => (await memberCount(b, roomId)) === 2, 5000, 'both counted on B');
      await stopProcess(killed.child, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        async () => (await memberCount(a, roomId)) === 1 && (await memberCount(b, roomId)) === 1,
        GRACE_MS + 8000,
        "the killed instance's member to leave",
      );
      assert.ok(Date.now() - killedAt >= GRACE_MS, 'not before the grace period');
      assert.deepEqual(await pageMembers(mia.at(b.baseUrl), roomId), [mia.me.id]);
      await waitFor(
        async () => (await systemEvents(mia, roomId)).includes(`owner ${mia.me.nickname}`),
        5000,
        'mia to own the room',
      );
      await sleep(1000);
      const events = await systemEvents(mia, roomId);
      assert.deepEqual(
        events.filter((e) => e.startsWith('leave') || e.startsWith('owner')),
        [`leave ${jay.me.nickname}`, `owner ${mia.me.nickname}`],
      );
    } finally {
      await stopProcess(killed.child);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a name that looks like a member on the other instance is refused, at the door and on renaming', async () => {
    const owner = await Visitor.create(a.baseUrl);
    const roomId = await owner.createRoom('names');
    await enter(owner, roomId);
    const kim = await Visitor.create(a.baseUrl);
    assert.equal((await kim.postJson('/me/nickname', { nickname: 'Kimberly' })).status, 200);
    await enter(kim, roomId);
    const twin = await Visitor.create(b.baseUrl);
    assert.equal((await twin.postJson('/me/nickname', { nickname: 'KIMBERLY' })).status, 200);
    const refused = await tryJoin(twin, roomId);
    assert.equal(refused.type === 'error' && refused.code, 'conflict');
    const other = await Visitor.create(b.baseUrl);
    await enter(other, roomId);
    assert.equal((await other.postJson('/me/nickname', { nickname: 'Kimber1y' })).status, 409);
  });

  it('a kick on A takes the member out on B, and B refuses them after', async () => {
    const owner = await Visitor.create(a.baseUrl);
    const roomId = await owner.createRoom('kick');
    const ownerSocket = await enter(owner, roomId);
    const lee = await Visitor.create(b.baseUrl);
    await enter(lee, roomId);
    await waitFor(async () => (await pageMembers(owner, roomId)).includes(lee.me.id), 5000, 'lee listed on A');
    ownerSocket.send({ type: 'kick', roomId, userId: lee.me.id });
    await waitFor(
      async () => !(await pageMembers(owner.at(b.baseUrl), roomId)).includes(lee.me.id),
      5000,
      'lee gone from the list on B',
    );
    assert.equal((await lee.postJson(`/room/${roomId}/chat`, { chat: 'still here?' })).status, 403);
    const again = await tryJoin(lee, roomId);
    assert.equal(again.type === 'error' && again.code, 'forbidden');
    assert.equal((await lee.fetch(`/room/${roomId}`)).status, 403);
  });
});
