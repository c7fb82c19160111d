// One set of room rules on every path: sockets that drop mid-join leave no ghosts, and HTTP obeys
// the same kicks, capacity, names and chat budget as the socket does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MemberView, ServerFrame } from '../../src/shared/protocol.js';
import { waitFor } from '../helpers/wait.js';
import { startTestServer, UNBUDGETED, type TestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';

const uploadGif = (v: Visitor, roomId: string): Promise<Response> => v.uploadGif(roomId);

/** The member count the lobby shows for a room. */
async function memberCount(v: Visitor, roomId: string): Promise<number | undefined> {
  const body = (await (await v.fetch('/rooms')).json()) as { rooms: Array<{ id: string; memberCount: number }> };
  return body.rooms.find((r) => r.id === roomId)?.memberCount;
}

describe('room access on every path', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ CHAT_PER_10S: '6', PRESENCE_GRACE_MS: '300' });
  });
  after(async () => {
    await srv.close();
  });

  it('sockets that join and drop at once leave no ghost members', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('ghost town', { max: 5 });
    const ownerSocket = await owner.socket(srv.wsUrl);
    await ownerSocket.join(roomId);
    const ghosts = await Promise.all(Array.from({ length: 20 }, () => Visitor.create(srv.baseUrl)));
    const sockets = await Promise.all(ghosts.map((g) => g.socket(srv.wsUrl)));
    for (const s of sockets) {
      s.send({ type: 'join', roomId });
      s.ws.terminate();
    }
    // After the grace period only the owner is left, and a real visitor gets in.
    await waitFor(async () => (await memberCount(owner, roomId)) === 1, 5000, 'the ghosts to leave');
    const late = await Visitor.create(srv.baseUrl);
    assert.equal((await late.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).status, 200);
    const socket = await late.socket(srv.wsUrl);
    const joined = await socket.join(roomId);
    assert.deepEqual(
      joined.members.map((m) => m.id),
      [owner.me.id, late.me.id],
    );
    ownerSocket.close();
    socket.close();
  });

  it('a kicked member can no longer post, upload or read over HTTP', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const bob = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('no way back');
    const [os, bs] = [await owner.socket(srv.wsUrl), await bob.socket(srv.wsUrl)];
    await os.join(roomId);
    await bs.join(roomId);
    assert.equal((await bob.postJson(`/room/${roomId}/chat`, { chat: 'before' })).status, 201);
    os.send({ type: 'kick', roomId, userId: bob.me.id });
    await bs.next('kicked');
    const chat = await bob.postJson(`/room/${roomId}/chat`, { chat: 'after the kick' });
    assert.equal(chat.status, 403);
    assert.equal(((await chat.json()) as { error: { code: string } }).error.code, 'banned');
    assert.equal((await uploadGif(bob, roomId)).status, 403);
    assert.equal((await bob.fetch(`/room/${roomId}/messages`)).status, 403);
    assert.equal((await bob.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).status, 403);
    // Nothing bob tried after the kick reached the room.
    const page = await owner.history(roomId);
    assert.deepEqual(
      page.messages.filter((m) => m.kind !== 'system').map((m) => m.text),
      ['before'],
    );
    os.close();
    bs.close();
  });

  it('an outsider cannot post into, upload to or read a full room, nor post into one with space', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const bob = await Visitor.create(srv.baseUrl);
    const carol = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('two seats', { max: 2 });
    const [os, bs] = [await owner.socket(srv.wsUrl), await bob.socket(srv.wsUrl)];
    await os.join(roomId);
    await bs.join(roomId);
    const chat = await carol.postJson(`/room/${roomId}/chat`, { chat: 'let me in' });
    assert.equal(chat.status, 403);
    assert.equal(((await chat.json()) as { error: { code: string } }).error.code, 'not_joined');
    assert.equal((await uploadGif(carol, roomId)).status, 403);
    const read = await carol.fetch(`/room/${roomId}/messages`);
    assert.equal(read.status, 403);
    assert.equal(((await read.json()) as { error: { code: string } }).error.code, 'room_full');
    // Posting needs a place in the room even where there is space: whoever writes is in the
    // member list, where the owner can remove them.
    const roomy = await owner.createRoom('roomy');
    await os.join(roomy);
    const outside = await carol.postJson(`/room/${roomy}/chat`, { chat: 'from outside' });
    assert.equal(outside.status, 403);
    assert.equal(((await outside.json()) as { error: { code: string } }).error.code, 'not_joined');
    assert.equal((await uploadGif(carol, roomy)).status, 403);
    assert.equal((await carol.fetch(`/room/${roomy}/messages`)).status, 200);
    const cs = await carol.enter(roomy);
    assert.equal((await carol.postJson(`/room/${roomy}/chat`, { chat: 'from inside' })).status, 201);
    cs.close();
    // Members inside still may, over HTTP as over the socket.
    assert.equal((await bob.postJson(`/room/${roomId}/chat`, { chat: 'inside' })).status, 201);
    assert.equal((await uploadGif(bob, roomId)).status, 201);
    os.close();
    bs.close();
  });

  it('one chat budget per person, counted over HTTP and the socket together', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('budget');
    const socket = await a.socket(srv.wsUrl);
    await socket.join(roomId);
    // CHAT_PER_10S is 6 here: 3 over HTTP, 3 over the socket, then both paths refuse.
    for (let i = 0; i < 3; i++)
      assert.equal((await a.postJson(`/room/${roomId}/chat`, { chat: `http ${i}` })).status, 201);
    for (let i = 0; i < 3; i++) {
      socket.send({ type: 'chat', roomId, text: `ws ${i}`, clientId: `ws-${i}` });
      await socket.next('ack', (f) => f.clientId === `ws-${i}`);
    }
    const refused = await a.postJson(`/room/${roomId}/chat`, { chat: 'one too many' });
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    socket.send({ type: 'chat', roomId, text: 'and another', clientId: 'ws-x' });
    const err = await socket.next('error', (f) => f.clientId === 'ws-x');
    assert.equal(err.code, 'rate_limited');
    socket.close();
  });

  it('a hundred parallel HTTP chats from one person store no more than the budget', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('flood');
    await a.enter(roomId);
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        a.postJson(`/room/${roomId}/chat`, { chat: `f${i}` }).then((r) => r.status),
      ),
    );
    assert.equal(statuses.filter((s) => s === 201).length, 6);
    assert.equal(statuses.filter((s) => s === 429).length, 94);
    const page = await a.history(roomId);
    assert.equal(page.messages.filter((m) => m.kind === 'chat').length, 6);
  });

  it('a clientId reused in another room is a conflict, not the other room’s message', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const one = await a.createRoom('one');
    const two = await a.createRoom('two');
    await a.enter(one);
    await a.enter(two);
    const first = await a.postJson(`/room/${one}/chat`, { chat: 'hello one', clientId: 'same-id' });
    assert.equal(first.status, 201);
    const retry = await a.postJson(`/room/${one}/chat`, { chat: 'hello one', clientId: 'same-id' });
    assert.equal(retry.status, 200);
    const reused = await a.postJson(`/room/${two}/chat`, { chat: 'hello two', clientId: 'same-id' });
    assert.equal(reused.status, 409);
    const body = (await reused.json()) as { error: { code: string }; message?: unknown };
    assert.equal(body.error.code, 'conflict');
    assert.equal(body.message, undefined);
  });
});

describe('one chat budget per address', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ CHAT_PER_10S: '100', CHAT_PER_IP_PER_10S: '5' });
  });
  after(async () => {
    await srv.close();
  });

  it('new identities from one address buy no more chats', async () => {
    const first = await Visitor.create(srv.baseUrl);
    const roomId = await first.createRoom('one address');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      // A fresh identity each time, as a script making new sessions would.
      const v = i === 0 ? first : await Visitor.create(srv.baseUrl);
      await v.enter(roomId);
      for (let j = 0; j < 2; j++)
        statuses.push((await v.postJson(`/room/${roomId}/chat`, { chat: `${i}.${j}` })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429, 429]);
    const socket = await (await Visitor.create(srv.baseUrl)).socket(srv.wsUrl);
    await socket.join(roomId);
    socket.send({ type: 'chat', roomId, text: 'over the socket too', clientId: 'ip-1' });
    assert.equal((await socket.next('error', (f) => f.clientId === 'ip-1')).code, 'rate_limited');
    socket.close();
  });
});

describe('names and text', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  async function named(nickname: string): Promise<Visitor> {
    const v = await Visitor.create(srv.baseUrl);
    const res = await v.postJson('/me/nickname', { nickname });
    assert.equal(res.status, 200, `rename to ${JSON.stringify(nickname)}`);
    return v;
  }

  it('a name someone inside already has, or one that looks like it, cannot join', async () => {
    const alice = await named('guest-e947');
    const roomId = await alice.createRoom('names');
    const as = await alice.socket(srv.wsUrl);
    await as.join(roomId);
    // The same name, another case, a U+2010 hyphen, a Cyrillic е, full-width letters, a soft hyphen.
    for (const twin of [
      'guest-e947',
      'GUEST-E947',
      'guest\u2010e947',
      'guest-\u0435947',
      'ｇｕｅｓｔ-e947',
      'gu\u00ADest-e947',
    ]) {
      const v = await named(twin);
      const socket = await v.socket(srv.wsUrl);
      socket.send({ type: 'join', roomId });
      const err = await socket.next('error');
      assert.equal(err.code, 'conflict', JSON.stringify(twin));
      assert.equal((await v.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).status, 409);
      // Not let in, so not let post either.
      assert.equal((await v.postJson(`/room/${roomId}/chat`, { chat: 'impostor' })).status, 403);
      socket.close();
    }
    const other = await named('guest-e948');
    const ok = await other.socket(srv.wsUrl);
    const joined = await ok.join(roomId);
    assert.deepEqual(
      joined.members.map((m: MemberView) => m.nickname),
      ['guest-e947', 'guest-e948'],
    );
    // Renaming inside the room to a look-alike is refused as well.
    const rename = await other.postJson('/me/nickname', { nickname: 'Guest\u2010E947' });
    assert.equal(rename.status, 409);
    as.close();
    ok.close();
  });

  it('invisible and direction-changing characters are stripped from messages and names', async () => {
    const v = await named('\u202Eevil\u200B\u00AD name\u2066');
    assert.equal(v.me.nickname.length > 0, true);
    const me = (await (await v.fetch('/me')).json()) as { me: { nickname: string } };
    assert.equal(me.me.nickname, 'evil name');
    const roomId = await v.createRoom('\u202Etitle\u2028here\u061C');
    const socket = await v.socket(srv.wsUrl);
    await socket.join(roomId);
    const sent = 'a\u202Eb\u2028c\u2029d\u061Ce\u2067f\uFEFFg\uD800h 👨\u200D👩\u200D👧';
    socket.send({ type: 'chat', roomId, text: sent, clientId: 'hyg' });
    const message = await socket.next('message', (f) => f.message.clientId === 'hyg');
    assert.equal(message.message.text, 'ab\nc\ndefgh 👨\u200D👩\u200D👧');
    const page = (await (await v.fetch('/rooms')).json()) as { rooms: Array<{ id: string; title: string }> };
    assert.equal(page.rooms.find((r) => r.id === roomId)?.title, 'title here');
    // Nothing but invisible characters is an empty message.
    socket.send({ type: 'chat', roomId, text: '\u200B\u202E\u2066', clientId: 'empty' });
    assert.equal((await socket.next('error', (f) => f.clientId === 'empty')).code, 'bad_frame');
    socket.close();
  });
});

describe('kicked during catch-up', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer(UNBUDGETED);
  });
  after(async () => {
    await srv.close();
  });

  it('gets nothing of the room after the kicked frame', async () => {
    let hits = 0;
    for (let round = 0; round < 16; round++) {
      const owner = await Visitor.create(srv.baseUrl);
      const bob = await Visitor.create(srv.baseUrl);
      const roomId = await owner.createRoom(`catch-up ${round}`);
      const os = await owner.socket(srv.wsUrl);
      await os.join(roomId);
      const first = await bob.socket(srv.wsUrl);
      await first.join(roomId);
      const posted = await bob.postJson(`/room/${roomId}/chat`, { chat: 'mark' });
      const mark = ((await posted.json()) as { message: { id: string } }).message.id;
      for (let i = 0; i < 60; i++) os.send({ type: 'chat', roomId, text: `old ${i}`, clientId: `o${round}-${i}` });
      await os.next('ack', (f) => f.clientId === `o${round}-59`);
      // A second tab reconnects with a catch-up while the database is busy with a burst of
      // chats (so the catch-up takes a while) and the owner kicks in the middle of it.
      const second = await bob.socket(srv.wsUrl);
      const long = 'x'.repeat(1500);
      for (let i = 0; i < 400; i++)
        os.send({ type: 'chat', roomId, text: `new ${i} ${long}`, clientId: `n${round}-${i}` });
      second.send({ type: 'join', roomId, after: mark });
      await new Promise((r) => setTimeout(r, round % 8));
      os.send({ type: 'kick', roomId, userId: bob.me.id });
      // Kicked before its join was handled, the tab is simply refused (banned): nothing to check.
      await second.until((frames) => frames.some((f) => f.type === 'kicked' || f.type === 'error'));
      await os.next('ack', (f) => f.clientId === `n${round}-399`, 20_000);
      await new Promise((r) => setTimeout(r, 100));
      for (const s of [os, first, second] as TestSocket[]) s.close();
      const kickedAt = second.frames.findIndex((f) => f.type === 'kicked');
      if (kickedAt < 0) continue;
      hits++;
      const late = second.frames
        .slice(kickedAt + 1)
        .filter((f: ServerFrame) => f.type === 'message' || f.type === 'catchup');
      assert.deepEqual(
        late.map((f) => f.type),
        [],
        `round ${round}: frames after the kick`,
      );
    }
    assert.ok(hits > 0, 'no round was kicked after joining');
  });
});
