// Two real visitors with real sockets chat in a room; the lobby hears about rooms and counts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, UNBUDGETED, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('chat over the socket', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer(UNBUDGETED);
  });
  after(async () => {
    await srv.close();
  });

  it('says hello with the visitor identity', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const ws = await a.socket(srv.wsUrl);
    const hello = await ws.next('hello');
    assert.equal(hello.me.id, a.me.id);
    assert.match(hello.me.nickname, /^guest-[0-9a-f]{4}$/);
    assert.match(hello.me.color, /^hsl\(/);
    ws.close();
  });

  it('delivers a chat to both members, acks the sender, and stores it', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const b = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('Friday GIFs');
    const wa = await a.socket(srv.wsUrl);
    const wb = await b.socket(srv.wsUrl);
    wa.send({ type: 'join', roomId });
    const joinedA = await wa.next('joined');
    assert.equal(joinedA.members.length, 1);
    assert.equal(joinedA.members[0]?.isOwner, true);
    wb.send({ type: 'join', roomId });
    const joinedB = await wb.next('joined');
    assert.deepEqual(
      joinedB.members.map((m) => m.id),
      [a.me.id, b.me.id],
    );
    const members = await wa.next('members', (f) => f.members.length === 2);
    assert.equal(members.roomId, roomId);
    const sys = await wa.next('message', (f) => f.message.kind === 'system' && f.message.text.includes(b.me.nickname));
    assert.match(sys.message.text, /joined/);

    wa.send({ type: 'chat', roomId, text: '  hello <b>bob</b>  ', clientId: 'c-1' });
    const ack = await wa.next('ack');
    assert.equal(ack.clientId, 'c-1');
    const gotB = await wb.next('message', (f) => f.message.kind === 'chat');
    assert.equal(gotB.message.id, ack.id);
    assert.equal(gotB.message.text, 'hello <b>bob</b>');
    assert.equal(gotB.message.author?.id, a.me.id);
    const gotA = await wa.next('message', (f) => f.message.kind === 'chat');
    assert.equal(gotA.message.clientId, 'c-1');

    wb.send({ type: 'chat', roomId, text: 'hi alice' });
    const back = await wa.next('message', (f) => f.message.kind === 'chat');
    assert.equal(back.message.author?.id, b.me.id);

    const history = await b.history(roomId);
    assert.deepEqual(
      history.messages.filter((m) => m.kind === 'chat').map((m) => m.text),
      ['hello <b>bob</b>', 'hi alice'],
    );
    wa.close();
    wb.close();
  });

  it("answers a join before any of the room's frames reach it, its own join line and a busy room's chats included", async () => {
    const a = await Visitor.create(srv.baseUrl);
    const b = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('busy');
    const wa = await a.socket(srv.wsUrl);
    await wa.join(roomId);
    const wb = await b.socket(srv.wsUrl);
    await wb.next('hello');
    const chatter = (async () => {
      for (let i = 0; i < 15; i++)
        assert.equal((await a.postJson(`/room/${roomId}/chat`, { chat: `c${i}` })).status, 201);
    })();
    wb.send({ type: 'join', roomId });
    await wb.until((fs) => fs.some((f) => f.type === 'message' && f.message.system?.name === b.me.nickname));
    assert.equal(wb.frames[0]?.type, 'joined', wb.frames.map((f) => f.type).join(', '));
    await chatter;
    wa.close();
    wb.close();
  });

  it('a chat posted over HTTP reaches the sockets in the room', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('http api');
    const ws = await a.socket(srv.wsUrl);
    await ws.join(roomId);
    const res = await a.postJson(`/room/${roomId}/chat`, { chat: 'from http' });
    assert.equal(res.status, 201);
    const { message } = (await res.json()) as { message: { id: string } };
    const live = await ws.next('message', (f) => f.message.kind === 'chat');
    assert.equal(live.message.id, message.id);
    assert.equal(live.message.text, 'from http');
    ws.close();
  });

  it('a retried send with the same clientId is stored once and acked with the same id', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('retries');
    const ws = await a.socket(srv.wsUrl);
    await ws.join(roomId);
    ws.send({ type: 'chat', roomId, text: 'once', clientId: 'same' });
    ws.send({ type: 'chat', roomId, text: 'once', clientId: 'same' });
    const first = await ws.next('ack');
    const second = await ws.next('ack');
    assert.equal(first.id, second.id);
    const page = await a.history(roomId);
    assert.equal(page.messages.filter((m) => m.kind === 'chat').length, 1);
    ws.close();
  });

  it('the lobby hears rooms created, member counts, and rooms removed', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const lobby = await a.socket(srv.wsUrl);
    lobby.send({ type: 'lobby' });
    await lobby.next('hello');
    const roomId = await a.createRoom('lobby news', { password: 'secret' });
    const created = await lobby.next('room-created', (f) => f.room.id === roomId);
    assert.equal(created.room.isPrivate, true);
    assert.equal(created.room.memberCount, 0);
    assert.equal(created.room.owner.id, a.me.id);
    const ws = await a.socket(srv.wsUrl);
    await ws.join(roomId);
    const updated = await lobby.next('room-updated', (f) => f.room.id === roomId);
    assert.equal(updated.room.memberCount, 1);
    assert.equal((await a.fetch(`/room/${roomId}`, { method: 'DELETE' })).status, 204);
    await lobby.next('room-removed', (f) => f.roomId === roomId);
    await ws.next('room-removed', (f) => f.roomId === roomId);
    lobby.close();
    ws.close();
  });

  it('catch-up: a client that rejoins with the last id it saw gets what it missed, in order', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const b = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('catch-up');
    const wb = await b.socket(srv.wsUrl);
    await wb.join(roomId);
    const first = await b.postJson(`/room/${roomId}/chat`, { chat: 'seen' });
    const seenId = ((await first.json()) as { message: { id: string } }).message.id;
    wb.close();
    const wa = await a.socket(srv.wsUrl);
    await wa.join(roomId);
    for (let i = 0; i < 200; i++) wa.send({ type: 'chat', roomId, text: `missed ${i}`, clientId: `m${i}` });
    await wa.until((fs) => fs.filter((f) => f.type === 'ack').length === 200, 20_000);
    const again = await b.socket(srv.wsUrl);
    again.send({ type: 'join', roomId, after: seenId });
    await again.next('joined');
    const got = [];
    let page = await again.next('catchup');
    got.push(...page.messages);
    while (page.more) {
      assert.equal(page.messages.length, 50);
      again.send({ type: 'history', roomId, after: page.messages.at(-1)!.id });
      page = await again.next('catchup');
      got.push(...page.messages);
    }
    const texts = got.filter((m) => m.kind === 'chat').map((m) => m.text);
    assert.deepEqual(
      texts,
      Array.from({ length: 200 }, (_, i) => `missed ${i}`),
    );
    assert.equal(new Set(got.map((m) => m.id)).size, got.length, 'no duplicates');
    console.log(`# catch-up: 200 sent while away, ${texts.length} received in order`);
    wa.close();
    again.close();
  });

  it('renames a visitor: announced in their rooms, unique within a room, cleaned and length-limited', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const b = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('names');
    const wa = await a.socket(srv.wsUrl);
    const wb = await b.socket(srv.wsUrl);
    for (const w of [wa, wb]) {
      await w.join(roomId);
    }
    const ok = await a.postJson('/me/nickname', { nickname: ' Alice\u0007 ' });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { me: { nickname: string } }).me.nickname, 'Alice');
    const members = await wb.next('members', (f) => f.members.some((m) => m.nickname === 'Alice'));
    assert.equal(members.members.find((m) => m.id === a.me.id)?.isOwner, true);
    await wb.next('message', (f) => f.message.kind === 'system' && f.message.text.includes('is now Alice'));
    assert.equal((await b.postJson('/me/nickname', { nickname: 'alice' })).status, 409);
    assert.equal((await b.postJson('/me/nickname', { nickname: 'x'.repeat(25) })).status, 400);
    assert.equal((await b.postJson('/me/nickname', { nickname: '\u0000' })).status, 400);
    assert.equal((await b.postJson('/me/nickname', { nickname: 'Bob' }, { csrf: false })).status, 403);
    wa.send({ type: 'chat', roomId, text: 'signed', clientId: 'sig' });
    const msg = await wb.next('message', (f) => f.message.kind === 'chat');
    assert.equal(msg.message.author?.nickname, 'Alice');
    const lobby = (await (await b.fetch('/rooms')).json()) as {
      rooms: Array<{ id: string; owner: { nickname: string } }>;
    };
    assert.equal(lobby.rooms.find((r) => r.id === roomId)?.owner.nickname, 'Alice');
    wa.close();
    wb.close();
  });
});
