// Room rules through real HTTP and sockets: passwords, capacity, owner-only delete, idle clean-up,
// history pages, and data surviving a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GIF_STORES, keptGifs } from '../helpers/gif-stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

describe('room rules', () => {
  let srv: TestServer;
  before(async () => {
    // The history test posts 120 chats at once; the chat budget has its own tests.
    srv = await startTestServer({ CHAT_PER_10S: '1000' });
  });
  after(async () => {
    await srv.close();
  });

  it('creates a room from the form and redirects to it', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const res = await a.fetch('/room', {
      method: 'POST',
      csrf: false,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ title: 'Form room', max: '5', password: '', _csrf: a.csrfToken }),
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /^\/room\/[0-9a-f]{24}$/);
    const page = await a.fetch(res.headers.get('location')!, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Form room/);
  });

  it('refuses bad room input with 400 and a reason', async () => {
    const a = await Visitor.create(srv.baseUrl);
    for (const body of [
      { title: '', max: 10 },
      { title: 'x'.repeat(61), max: 10 },
      { title: 'ok', max: 1 },
      { title: 'ok', max: 101 },
      { title: 'ok', max: 'ten' },
      { title: 'ok', max: 2.5 },
      { title: ['array'], max: 10 },
      { title: '\u0000\u0007', max: 10 },
    ]) {
      const res = await a.postJson('/room', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.ok(json.error.message.length > 0);
    }
    const form = await a.fetch('/room', {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ title: '', max: '10' }),
    });
    assert.equal(form.status, 400);
    assert.match(await form.text(), /Title must be/);
  });

  it('a private room asks for its password, never puts it in a URL, and remembers the grant', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const guest = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('secret club', { password: 'open sesame' });
    const gate = await guest.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } });
    assert.equal(gate.status, 200);
    const html = await gate.text();
    assert.match(html, /name="password"/);
    assert.doesNotMatch(html, /open sesame/);
    assert.equal((await guest.fetch(`/room/${roomId}/messages`)).status, 403);
    const ws = await guest.socket(srv.wsUrl);
    ws.send({ type: 'join', roomId });
    assert.equal((await ws.next('error')).code, 'forbidden');
    assert.equal(await guest.unlock(roomId, 'wrong'), 401);
    const right = await guest.fetch(`/room/${roomId}/password`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: 'open sesame' }),
    });
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), `/room/${roomId}`);
    await ws.join(roomId);
    assert.equal((await guest.fetch(`/room/${roomId}/messages`)).status, 200);
    ws.close();
  });

  it('the owner can change or remove the password; a change revokes earlier grants', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const guest = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('changing locks', { password: 'first' });
    assert.equal(await guest.unlock(roomId, 'first'), 204);
    assert.equal((await guest.fetch(`/room/${roomId}/messages`)).status, 200);
    const lobby = await owner.socket(srv.wsUrl);
    lobby.send({ type: 'lobby' });

    assert.equal((await guest.postJson(`/room/${roomId}/settings`, { password: '' })).status, 403, 'not the owner');
    assert.equal((await owner.postJson(`/room/${roomId}/settings`, { password: 7 })).status, 400);
    assert.equal((await owner.postJson(`/room/${roomId}/settings`, { password: 'x'.repeat(129) })).status, 400);
    assert.equal(
      (await owner.postJson(`/room/${roomId}/settings`, { password: 'second' }, { csrf: false })).status,
      403,
    );

    const changed = await owner.postJson(`/room/${roomId}/settings`, { password: 'second' });
    assert.equal(changed.status, 200);
    assert.equal(((await changed.json()) as { room: { isPrivate: boolean } }).room.isPrivate, true);
    assert.equal((await guest.fetch(`/room/${roomId}/messages`)).status, 403, 'the old grant no longer opens it');
    assert.equal(await guest.unlock(roomId, 'first'), 401);
    assert.equal(await guest.unlock(roomId, 'second'), 204);
    assert.equal((await guest.fetch(`/room/${roomId}/messages`)).status, 200);

    const form = await owner.fetch(`/room/${roomId}/settings`, {
      method: 'POST',
      csrf: false,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: '', _csrf: owner.csrfToken }),
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), `/room/${roomId}`);
    await lobby.next('room-updated', (f) => f.room.id === roomId && !f.room.isPrivate);
    const stranger = await Visitor.create(srv.baseUrl);
    assert.equal((await stranger.fetch(`/room/${roomId}/messages`)).status, 200, 'public now');
    lobby.close();
  });

  it('a full room refuses one more person, by page and by socket', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const b = await Visitor.create(srv.baseUrl);
    const c = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('two only', { max: 2 });
    const wa = await a.socket(srv.wsUrl);
    const wb = await b.socket(srv.wsUrl);
    const wc = await c.socket(srv.wsUrl);
    await wa.join(roomId);
    await wb.join(roomId);
    wc.send({ type: 'join', roomId });
    assert.equal((await wc.next('error')).code, 'room_full');
    const page = await c.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 403);
    assert.match(await page.text(), /full/);
    // A second tab of someone already inside is not a new member.
    const wa2 = await a.socket(srv.wsUrl);
    await wa2.join(roomId);
    for (const w of [wa, wb, wc, wa2]) w.close();
  });

  it('only the owner can delete a room', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const other = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('mine');
    assert.equal((await other.fetch(`/room/${roomId}`, { method: 'DELETE' })).status, 403);
    assert.equal((await owner.fetch(`/room/${roomId}`, { method: 'DELETE' })).status, 204);
    assert.equal((await owner.fetch(`/room/${roomId}`)).status, 404);
    assert.equal((await owner.fetch(`/room/${roomId}`, { method: 'DELETE' })).status, 404);
  });

  it('history comes in pages of 50, oldest first, with hasMore', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('long history');
    await a.enter(roomId);
    for (let i = 0; i < 120; i++)
      assert.equal((await a.postJson(`/room/${roomId}/chat`, { chat: `m${i}` })).status, 201);
    const p1 = await a.history(roomId);
    assert.equal(p1.messages.length, 50);
    assert.equal(p1.messages[0]?.text, 'm70');
    assert.equal(p1.messages.at(-1)?.text, 'm119');
    assert.equal(p1.hasMore, true);
    const p2 = await a.history(roomId, `?before=${p1.messages[0].id}`);
    assert.equal(p2.messages[0]?.text, 'm20');
    const p3 = await a.history(roomId, `?before=${p2.messages[0].id}&limit=30`);
    // The oldest page starts with the poster's arrival in the room.
    assert.deepEqual(
      p3.messages.slice(1).map((m) => m.text),
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    assert.equal(p3.hasMore, false);
    const html = await (await a.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).text();
    assert.match(html, /m119/);
    assert.doesNotMatch(html, />m69</);
  });
});

for (const store of GIF_STORES)
  describe(`idle rooms (GIF_STORE=${store})`, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ ROOM_IDLE_MS: '400', GIF_STORE: store });
    });
    after(async () => {
      await srv.close();
    });

    it('an empty room is deleted after ROOM_IDLE_MS with its messages and GIF files', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('short-lived');
      const lobby = await a.socket(srv.wsUrl);
      lobby.send({ type: 'lobby' });
      const ws = await a.socket(srv.wsUrl);
      await ws.join(roomId);
      const up = await a.uploadGif(roomId, makeGif(4, 4));
      assert.equal(up.status, 201);
      const file = ((await up.json()) as { message: { gif: { url: string } } }).message.gif.url.split('/').pop()!;
      assert.ok((await keptGifs(srv.uploadDir)).includes(file));
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await a.fetch(`/room/${roomId}`)).status, 200, 'still here while someone is in it');
      ws.close();
      await lobby.next('room-removed', (f) => f.roomId === roomId, 5000);
      assert.equal((await a.fetch(`/room/${roomId}`)).status, 404);
      assert.ok(!(await keptGifs(srv.uploadDir)).includes(file));
      lobby.close();
    });
  });

describe('restart', () => {
  it('keeps rooms and messages across a server restart', async () => {
    const first = await startTestServer();
    const a = await Visitor.create(first.baseUrl);
    const roomId = await a.createRoom('durable');
    await a.enter(roomId);
    await a.postJson(`/room/${roomId}/chat`, { chat: 'still here after restart' });
    await first.server.close();
    const second = await startTestServer({ DATA_DIR: first.dataDir, UPLOAD_DIR: first.uploadDir });
    try {
      const b = await Visitor.create(second.baseUrl);
      const page = await b.history(roomId);
      assert.ok(page.messages.some((m) => m.text === 'still here after restart'));
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
    }
  });
});
