// With REDIS_URL set, the budgets count what one person does on every instance together: two
// real instances over one standalone database and one private redis-server, and a visitor who
// spends part of a budget on each. Counted per process, each instance would grant the full budget.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { startApp, stopProcess } from '../helpers/processes.js';
import type { TestServer } from '../helpers/server.js';
import { makeGif, Visitor, type TestSocket } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

describe('budgets shared across instances (REDIS_URL)', () => {
  let d: Deployment;
  let a: TestServer;
  let b: TestServer;
  let env: Record<string, string>;
  const sockets: TestSocket[] = [];

  before(async () => {
    d = await startDeployment(2, {
      CHAT_PER_10S: '4',
      WS_FRAMES_PER_10S: '120',
      ROOMS_PER_PERSON_PER_10MIN: '3',
      SOCKETS_PER_PERSON: '3',
      UPLOADS_PER_PERSON_PER_MIN: '2',
    });
    [a, b] = d.instances as [TestServer, TestServer];
    env = d.env;
  });

  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await d.close();
  });

  it("one person's chat budget counts their posts on both instances", async () => {
    const onA = await Visitor.create(a.baseUrl);
    const onB = onA.at(b.baseUrl);
    const roomId = await onA.createRoom('chatty');
    sockets.push(await onA.enter(roomId), await onB.enter(roomId));
    const post = async (v: Visitor, text: string) => (await v.postJson(`/room/${roomId}/chat`, { chat: text })).status;
    // 4 per 10 s: three on A and one on B use it up, so the next one on B is refused.
    for (const text of ['a1', 'a2', 'a3']) assert.equal(await post(onA, text), 201, text);
    assert.equal(await post(onB, 'b1'), 201);
    const refused = await onB.postJson(`/room/${roomId}/chat`, { chat: 'b2' });
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(await post(onA, 'a4'), 429);
  });

  it('wrong password guesses on both instances share the 5-a-minute budget', async () => {
    const owner = await Visitor.create(a.baseUrl);
    const roomId = await owner.createRoom('locked', { password: 'right horse' });
    const guesser = await Visitor.create(a.baseUrl);
    const statuses: number[] = [];
    for (const v of [guesser, guesser, guesser, guesser.at(b.baseUrl), guesser.at(b.baseUrl)]) {
      statuses.push(await v.unlock(roomId, 'wrong'));
    }
    assert.ok(!statuses.includes(429), `the first five guesses are answered: ${statuses.join(',')}`);
    // The sixth, on B where only two were made, is past the shared budget: even the right password waits.
    assert.equal(await guesser.at(b.baseUrl).unlock(roomId, 'wrong'), 429);
    assert.equal(await guesser.at(b.baseUrl).unlock(roomId, 'right horse'), 429);
  });

  it('room creation counts rooms made on both instances', async () => {
    const onA = await Visitor.create(a.baseUrl);
    const onB = onA.at(b.baseUrl);
    await onA.createRoom('one');
    await onA.createRoom('two');
    await onB.createRoom('three');
    const res = await onB.postJson('/room', { title: 'four', max: 10, password: '' });
    assert.equal(res.status, 429);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'too_many_rooms');
  });

  it('GIF uploads on both instances share one budget', async () => {
    const onA = await Visitor.create(a.baseUrl);
    const onB = onA.at(b.baseUrl);
    const roomId = await onA.createRoom('gifs');
    sockets.push(await onA.enter(roomId), await onB.enter(roomId));
    const upload = async (v: Visitor) => (await v.uploadGif(roomId, makeGif(4, 4))).status;
    assert.deepEqual([await upload(onA), await upload(onB), await upload(onB)], [201, 201, 429]);
  });

  it("one person's open sockets count on both instances, and a closed one frees its place everywhere", async () => {
    const onA = await Visitor.create(a.baseUrl);
    const onB = onA.at(b.baseUrl);
    const mine = [await onA.socket(a.wsUrl), await onA.socket(a.wsUrl), await onB.socket(b.wsUrl)];
    sockets.push(...mine);
    await assert.rejects(onB.socket(b.wsUrl), /upgrade refused: 429/);
    await assert.rejects(onA.socket(a.wsUrl), /upgrade refused: 429/);
    mine[0]!.ws.close();
    await mine[0]!.closed();
    await waitFor(
      () =>
        onB.socket(b.wsUrl).then(
          (s) => (sockets.push(s), true),
          () => false,
        ),
      10_000,
      'the place closed on A to be free on B',
    );
  });

  it('the places held by an instance killed with -9 are free again once its heartbeat lapses', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-shared-killed-'));
    const killed = await startApp(dir, env);
    try {
      const there = await Visitor.create(killed.url);
      for (let i = 0; i < 3; i++) sockets.push(await there.socket(killed.url.replace(/^http/, 'ws') + '/ws'));
      await assert.rejects(there.at(a.baseUrl).socket(a.wsUrl), /upgrade refused: 429/);
      await stopProcess(killed.child, 'SIGKILL');
      await waitFor(
        () =>
          there
            .at(a.baseUrl)
            .socket(a.wsUrl)
            .then(
              (s) => (sockets.push(s), true),
              () => false,
            ),
        30_000,
        "the killed instance's places to lapse",
      );
    } finally {
      await stopProcess(killed.child);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
