// Room life over real sockets: typing, whispers, kicks, handing ownership on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';

describe('room life', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  async function threeInRoom(title: string) {
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => Visitor.create(srv.baseUrl)));
    const roomId = await a!.createRoom(title);
    const sockets: TestSocket[] = [];
    for (const v of [a!, b!, c!]) {
      const ws = await v.socket(srv.wsUrl);
      await ws.join(roomId);
      sockets.push(ws);
    }
    await sockets[0]!.next('members', (f) => f.members.length === 3);
    return { a: a!, b: b!, c: c!, roomId, wa: sockets[0]!, wb: sockets[1]!, wc: sockets[2]!, all: sockets };
  }

  it('shows typing to the others only, at most every few seconds', async () => {
    const { a, roomId, wa, wb, wc, all } = await threeInRoom('typing');
    wa.send({ type: 'typing', roomId });
    wa.send({ type: 'typing', roomId });
    const seen = await wb.next('typing');
    assert.equal(seen.user.id, a.me.id);
    await wc.next('typing');
    wa.send({ type: 'chat', roomId, text: 'sentinel' });
    await wb.next('message', (f) => f.message.text === 'sentinel');
    assert.equal(wb.frames.filter((f) => f.type === 'typing').length, 0, 'throttled');
    assert.equal(wa.frames.filter((f) => f.type === 'typing').length, 0, 'not to the typist');
    all.forEach((w) => w.close());
  });

  it('a whisper reaches only its recipient and its author, live and in history', async () => {
    const { a, b, c, roomId, wa, wb, wc, all } = await threeInRoom('whispers');
    wa.send({ type: 'whisper', roomId, to: b.me.id, text: 'just for you', clientId: 'w1' });
    const ack = await wa.next('ack');
    const got = await wb.next('message', (f) => f.message.kind === 'whisper');
    assert.equal(got.message.id, ack.id);
    assert.equal(got.message.to?.id, b.me.id);
    await wa.next('message', (f) => f.message.kind === 'whisper');
    wa.send({ type: 'chat', roomId, text: 'public' });
    await wc.next('message', (f) => f.message.text === 'public');
    assert.ok(
      !wc.frames.some((f) => f.type === 'message' && f.message.kind === 'whisper'),
      'no frame for a third member',
    );
    const hist = async (v: Visitor) => (await v.history(roomId)).messages;
    assert.ok((await hist(a)).some((m) => m.text === 'just for you'));
    assert.ok((await hist(b)).some((m) => m.text === 'just for you'));
    assert.ok(!(await hist(c)).some((m) => m.kind === 'whisper'));
    const html = await (await c.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).text();
    assert.doesNotMatch(html, /just for you/);
    wa.send({ type: 'whisper', roomId, to: '0123456789abcdef01234567', text: 'nobody' });
    assert.equal((await wa.next('error')).code, 'not_found');
    all.forEach((w) => w.close());
  });

  it('only the owner can kick; a kicked member is out and stays out', async () => {
    const { b, c, roomId, wa, wb, wc, all } = await threeInRoom('kicks');
    wb.send({ type: 'kick', roomId, userId: c.me.id });
    assert.equal((await wb.next('error')).code, 'forbidden');
    wa.send({ type: 'kick', roomId, userId: b.me.id });
    const kicked = await wb.next('kicked');
    assert.equal(kicked.roomId, roomId);
    const members = await wc.next('members', (f) => f.members.length === 2);
    assert.ok(!members.members.some((m) => m.id === b.me.id));
    await wc.next('message', (f) => f.message.kind === 'system' && /removed by the owner/.test(f.message.text));
    wb.send({ type: 'chat', roomId, text: 'still here?' });
    assert.equal((await wb.next('error')).code, 'not_joined');
    wb.send({ type: 'join', roomId });
    assert.equal((await wb.next('error')).code, 'forbidden');
    assert.equal((await b.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } })).status, 403);
    all.forEach((w) => w.close());
  });

  it('the owner can hand the room on, and ownership passes on when the owner leaves', async () => {
    const { a, b, c, roomId, wa, wb, wc } = await threeInRoom('owners');
    wa.send({ type: 'transfer', roomId, userId: b.me.id });
    const m1 = await wc.next('members', (f) => f.members.find((m) => m.id === b.me.id)?.isOwner === true);
    assert.equal(m1.members.filter((m) => m.isOwner).length, 1);
    wa.send({ type: 'kick', roomId, userId: c.me.id });
    assert.equal((await wa.next('error')).code, 'forbidden');
    wb.close();
    const m2 = await wc.next('members', (f) => f.members.length === 2, 5000);
    assert.equal(m2.members.find((m) => m.isOwner)?.id, a.me.id, 'the longest-present member takes over');
    await wc.next('message', (f) => f.message.kind === 'system' && /is now the owner/.test(f.message.text));
    wa.close();
    wc.close();
  });
});
