// Every costly thing a stranger can make the server do has a budget per person and per address:
// creating rooms or changing their passwords, uploading GIFs, changing names, holding sockets
// open, and minting new identities. Past it: 429
// with Retry-After and a sentence saying why; nothing is stored for a refused request. All test
// clients share 127.0.0.1, so "per address" is seen by using several visitors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { GIF_STORES, keptGifs } from '../helpers/gif-stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

const statusesOf = (responses: Response[]) => responses.map((r) => r.status).sort();

async function assertTooMany(res: Response, reason: RegExp): Promise<void> {
  assert.equal(res.status, 429);
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(retry >= 1, `Retry-After: ${res.headers.get('retry-after')}`);
  const body = (await res.json()) as { error: { message: string } };
  assert.match(body.error.message, reason);
  assert.match(body.error.message, /try again in \d+ s/);
}

async function withServer(env: Record<string, string>, fn: (srv: TestServer) => Promise<void>): Promise<void> {
  const srv = await startTestServer(env);
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

function upload(v: Visitor, roomId: string) {
  return v.uploadGif(roomId, makeGif(4, 4));
}

/** Opens a socket and resolves with its status: 101 if it opened, else the refusal's. */
function openSocket(
  srv: TestServer,
  v: Visitor,
  open: WebSocket[],
): Promise<{ status: number; retryAfter?: string; body?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(srv.wsUrl, { headers: { cookie: v.cookie, origin: srv.baseUrl } });
    ws.once('open', () => {
      open.push(ws);
      resolve({ status: 101 });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    ws.once('error', reject);
  });
}

describe('abuse quotas', () => {
  it('room creation: per person, then per address; a refused form stores no room', async () => {
    await withServer({ ROOMS_PER_PERSON_PER_10MIN: '3', ROOMS_PER_IP_PER_10MIN: '5' }, async (srv) => {
      const a = await Visitor.create(srv.baseUrl);
      const parallel = await Promise.all(
        Array.from({ length: 10 }, (_, i) => a.postJson('/room', { title: `r${i}`, max: 5 })),
      );
      assert.deepEqual(statusesOf(parallel), [201, 201, 201, ...Array<number>(7).fill(429)]);
      await assertTooMany(
        parallel.find((r) => r.status === 429)!,
        /You have created 3 rooms/,
      );
      // A mistake in the form does not use up the budget.
      const b = await Visitor.create(srv.baseUrl);
      for (let i = 0; i < 4; i++) assert.equal((await b.postJson('/room', { title: '', max: 5 })).status, 400);
      assert.equal((await b.postJson('/room', { title: 'b1', max: 5 })).status, 201);
      // The address has now made 4 of its 5: one more, by anyone, then none.
      assert.equal((await b.postJson('/room', { title: 'b2', max: 5 })).status, 201);
      const c = await Visitor.create(srv.baseUrl);
      await assertTooMany(await c.postJson('/room', { title: 'c1', max: 5 }), /from your network/);
      const page = await c.fetch('/room', {
        method: 'POST',
        csrf: false,
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ title: 'c2', max: '5', _csrf: c.csrfToken }),
      });
      assert.equal(page.status, 429);
      assert.ok(page.headers.get('retry-after'));
      assert.match(await page.text(), /from your network/);
      const rooms = ((await (await fetch(`${srv.baseUrl}/rooms`)).json()) as { rooms: unknown[] }).rooms;
      assert.equal(rooms.length, 5);
    });
  });

  it('nickname changes: per person, then per address; a refused or empty change stores nothing and costs nothing', async () => {
    await withServer({ RENAMES_PER_PERSON_PER_10MIN: '3', RENAMES_PER_IP_PER_10MIN: '5' }, async (srv) => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('names');
      await a.enter(roomId);
      // Refused names and the same name change nothing, and cost nothing.
      assert.equal((await a.postJson('/me/nickname', { nickname: '' })).status, 400);
      assert.equal((await a.postJson('/me/nickname', { nickname: a.me.nickname })).status, 200);
      const parallel = await Promise.all(
        Array.from({ length: 8 }, (_, i) => a.postJson('/me/nickname', { nickname: `name-${i}` })),
      );
      assert.deepEqual(statusesOf(parallel), [200, 200, 200, ...Array<number>(5).fill(429)]);
      await assertTooMany(
        parallel.find((r) => r.status === 429)!,
        /You have changed your name 3 times/,
      );
      const lines = async () =>
        (await a.history(roomId, '?limit=100')).messages.filter((m) => m.system?.event === 'rename').length;
      assert.equal(await lines(), 3, 'one line per rename that happened');
      // The address has made 3 of its 5: two more, by anyone, then none.
      const b = await Visitor.create(srv.baseUrl);
      for (const n of ['b-1', 'b-2']) assert.equal((await b.postJson('/me/nickname', { nickname: n })).status, 200);
      const refused = await b.postJson('/me/nickname', { nickname: 'b-3' });
      await assertTooMany(refused, /from your network/);
      assert.equal(((await (await b.fetch('/me')).json()) as { me: { nickname: string } }).me.nickname, 'b-2');
      assert.equal(await lines(), 3);
    });
  });

  it('room password changes count with room creations: each makes an argon2 hash', async () => {
    await withServer({ ROOMS_PER_PERSON_PER_10MIN: '3' }, async (srv) => {
      const owner = await Visitor.create(srv.baseUrl);
      const roomId = await owner.createRoom('locked');
      // A malformed change costs nothing; then two of the three points are left.
      assert.equal((await owner.postJson(`/room/${roomId}/settings`, { password: 7 })).status, 400);
      assert.equal((await owner.postJson(`/room/${roomId}/settings`, { password: 'x'.repeat(129) })).status, 400);
      const parallel = await Promise.all(
        Array.from({ length: 6 }, (_, i) => owner.postJson(`/room/${roomId}/settings`, { password: `pw-${i}` })),
      );
      assert.deepEqual(statusesOf(parallel), [200, 200, 429, 429, 429, 429]);
      await assertTooMany(
        parallel.find((r) => r.status === 429)!,
        /changed their passwords 3 times/,
      );
      await assertTooMany(await owner.postJson('/room', { title: 'one more', max: 5 }), /in the last 10 minutes/);
    });
  });

  for (const store of GIF_STORES)
    it(`GIF uploads: per person, then per address; a refused upload stores nothing (GIF_STORE=${store})`, async () => {
      await withServer(
        { UPLOADS_PER_PERSON_PER_MIN: '2', UPLOADS_PER_IP_PER_MIN: '3', GIF_STORE: store },
        async (srv) => {
          const a = await Visitor.create(srv.baseUrl);
          const roomId = await a.createRoom('gifs');
          await a.enter(roomId);
          const first = await Promise.all([0, 1, 2, 3].map(() => upload(a, roomId)));
          assert.deepEqual(statusesOf(first), [201, 201, 429, 429]);
          await assertTooMany(
            first.find((r) => r.status === 429)!,
            /You have uploaded 2 GIFs/,
          );
          const b = await Visitor.create(srv.baseUrl);
          await b.enter(roomId);
          assert.equal((await upload(b, roomId)).status, 201);
          await assertTooMany(await upload(b, roomId), /from your network/);
          assert.equal((await keptGifs(srv.uploadDir)).length, 3);
        },
      );
    });

  it('sockets open at once: per person, then per address; closing one frees its place', async () => {
    await withServer({ SOCKETS_PER_PERSON: '3', SOCKETS_PER_IP: '5' }, async (srv) => {
      const open: WebSocket[] = [];
      try {
        const a = await Visitor.create(srv.baseUrl);
        const results = await Promise.all(Array.from({ length: 6 }, () => openSocket(srv, a, open)));
        assert.deepEqual(results.map((r) => r.status).sort(), [101, 101, 101, 429, 429, 429]);
        const refused = results.find((r) => r.status === 429)!;
        assert.ok(Number(refused.retryAfter) >= 1);
        assert.match(refused.body ?? '', /Too many open connections: you have 3/);

        const b = await Visitor.create(srv.baseUrl);
        assert.equal((await openSocket(srv, b, open)).status, 101);
        assert.equal((await openSocket(srv, b, open)).status, 101);
        const full = await openSocket(srv, b, open);
        assert.equal(full.status, 429);
        assert.match(full.body ?? '', /your address has 5/);

        const closing = open.shift()!;
        await new Promise<void>((resolve) => {
          closing.once('close', () => resolve());
          closing.close();
        });
        // The server frees the place when it sees the socket close; it may see it a moment later.
        await waitFor(async () => (await openSocket(srv, b, open)).status === 101, 5000, 'the freed place');
      } finally {
        for (const ws of open) ws.terminate();
      }
    });
  });

  it('new identities per address: past the budget GET /me is 429 and stores nothing', async () => {
    await withServer({ VISITORS_PER_IP_PER_10MIN: '3' }, async (srv) => {
      const visitors = await Promise.all([0, 1, 2].map(() => Visitor.create(srv.baseUrl)));
      const res = await fetch(`${srv.baseUrl}/me`, { headers: { accept: 'application/json' } });
      await assertTooMany(res, /Too many new visitors came from your network/);
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('gifchat.sid=')));
      // Those who have an identity keep using it.
      for (const v of visitors) assert.equal((await v.fetch('/me')).status, 200);
    });
  });
});
