// Taking a message back, over HTTP (DELETE /room/:id/messages/:messageId) and over the socket
// (`delete`), by the one rule: its author may, the room's owner may take any but the system's and
// others' whispers. Live sockets get a `delete` record in the room's order; history and a later
// catch-up no longer have the message; its GIF file is gone. Hostile and mistaken requests are
// refused with a clear code and change nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageView } from '../../src/shared/protocol.js';
import { UNBUDGETED } from '../helpers/server.js';
import { suiteServer } from '../helpers/suite-server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

describe('deleting a message', () => {
  const suite = suiteServer(UNBUDGETED);
  const { sockets } = suite;

  /** A room with its owner and two members in it, each with a joined socket. */
  async function room() {
    const owner = await Visitor.create(suite.srv.baseUrl);
    const roomId = await owner.createRoom('takebacks');
    const [ann, bob] = [await Visitor.create(suite.srv.baseUrl), await Visitor.create(suite.srv.baseUrl)];
    const [wo, wa, wb] = [await owner.enter(roomId), await ann.enter(roomId), await bob.enter(roomId)];
    sockets.push(wo, wa, wb);
    const post = async (v: Visitor, text: string): Promise<MessageView> => {
      const res = await v.postJson(`/room/${roomId}/chat`, { chat: text });
      assert.equal(res.status, 201);
      return ((await res.json()) as { message: MessageView }).message;
    };
    const del = (v: Visitor, id: string) => v.fetch(`/room/${roomId}/messages/${id}`, { method: 'DELETE' });
    const texts = async (v: Visitor) => (await v.history(roomId)).messages.map((m) => m.text);
    return { owner, ann, bob, roomId, wo, wa, wb, post, del, texts };
  }

  it('its author deletes it over HTTP: gone live for everyone and from history', async () => {
    const r = await room();
    const m = await r.post(r.ann, 'oops, wrong room');
    const res = await r.del(r.ann, m.id);
    assert.equal(res.status, 204);
    for (const s of [r.wo, r.wa, r.wb]) {
      const record = await s.next('message', (f) => f.message.kind === 'delete');
      assert.equal(record.message.deletes, m.id);
      assert.ok(record.message.seq > m.seq, 'the deletion takes its own place, after the message');
    }
    assert.ok(!(await r.texts(r.bob)).includes('oops, wrong room'));
    assert.equal((await r.del(r.ann, m.id)).status, 404, 'twice: already gone');
  });

  it('only its author or the owner may: another member is refused, the owner may', async () => {
    const r = await room();
    const m = await r.post(r.ann, 'mine');
    const refused = await r.del(r.bob, m.id);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'forbidden');
    assert.ok((await r.texts(r.ann)).includes('mine'), 'a refused delete changes nothing');
    assert.equal((await r.del(r.owner, m.id)).status, 204);
    assert.ok(!(await r.texts(r.ann)).includes('mine'));
  });

  it('over the socket, by the same rule; errors name what was wrong', async () => {
    const r = await room();
    const m = await r.post(r.bob, 'from bob');
    r.wa.send({ type: 'delete', roomId: r.roomId, messageId: m.id });
    assert.equal((await r.wa.next('error')).code, 'forbidden');
    r.wb.send({ type: 'delete', roomId: r.roomId, messageId: m.id });
    const record = await r.wa.next('message', (f) => f.message.kind === 'delete');
    assert.equal(record.message.deletes, m.id);
    r.wb.send({ type: 'delete', roomId: r.roomId, messageId: 'f'.repeat(24) });
    assert.equal((await r.wb.next('error')).code, 'not_found');
    r.wb.send({ type: 'delete', roomId: r.roomId, messageId: 'nope' });
    assert.equal((await r.wb.next('error')).code, 'bad_frame');
    r.wb.send({ type: 'delete', roomId: r.roomId, messageId: m.id, extra: true });
    assert.equal((await r.wb.next('error')).code, 'bad_frame');
    // A system message records what happened: not even the owner deletes it.
    const system = (await r.owner.history(r.roomId)).messages.find((x) => x.kind === 'system')!;
    r.wo.send({ type: 'delete', roomId: r.roomId, messageId: system.id });
    assert.equal((await r.wo.next('error')).code, 'forbidden');
  });

  it('a whisper: only its author deletes it, and only its two people hear of it', async () => {
    const r = await room();
    r.wa.send({ type: 'whisper', roomId: r.roomId, to: r.bob.me.id, text: 'psst', clientId: 'w1' });
    const ack = await r.wa.next('ack', (f) => f.clientId === 'w1');
    // The owner never saw it: for them it does not exist.
    assert.equal((await r.del(r.owner, ack.id)).status, 404);
    assert.equal((await r.del(r.bob, ack.id)).status, 403);
    assert.equal((await r.del(r.ann, ack.id)).status, 204);
    await r.wb.next('message', (f) => f.message.kind === 'delete' && f.message.deletes === ack.id);
    await r.wa.next('message', (f) => f.message.kind === 'delete' && f.message.deletes === ack.id);
    r.wo.send({ type: 'chat', roomId: r.roomId, text: 'marker', clientId: 'm1' });
    await r.wo.next('message', (f) => f.message.clientId === 'm1');
    assert.ok(
      !r.wo.frames.some((f) => f.type === 'message' && f.message.kind === 'delete'),
      'the owner hears nothing of a whisper that was not theirs',
    );
  });

  it('a client that was away catches up the deletion after reconnecting', async () => {
    const r = await room();
    const m = await r.post(r.ann, 'soon gone');
    await r.wb.next('message', (f) => f.message.id === m.id);
    r.wb.ws.close();
    await r.wb.closed();
    assert.equal((await r.del(r.ann, m.id)).status, 204);
    const later = await r.post(r.ann, 'still here');
    const back = await r.bob.socket(suite.srv.wsUrl);
    sockets.push(back);
    back.send({ type: 'join', roomId: r.roomId, after: m.id });
    const page = await back.next('catchup');
    const kinds = page.messages.map((x) => (x.kind === 'delete' ? `delete ${x.deletes}` : x.text));
    assert.ok(kinds.includes(`delete ${m.id}`), 'the record of the deletion is in the catch-up');
    assert.ok(kinds.includes(later.text));
    assert.ok(!kinds.includes('soon gone'));
  });

  it("a GIF's file goes with its message", async () => {
    const r = await room();
    const up = await r.ann.uploadGif(r.roomId, makeGif(8, 8));
    const gif = ((await up.json()) as { message: MessageView }).message;
    assert.equal((await r.ann.fetch(gif.gif!.url)).status, 200);
    assert.equal((await r.del(r.owner, gif.id)).status, 204);
    assert.equal((await r.ann.fetch(gif.gif!.url)).status, 404);
  });

  it('refuses strangers, the kicked, bad ids and other rooms', async () => {
    const r = await room();
    const m = await r.post(r.ann, 'guarded');
    const stranger = await Visitor.create(suite.srv.baseUrl);
    assert.equal((await r.del(stranger, m.id)).status, 403, 'not in the room');
    assert.equal(
      (await stranger.fetch(`/room/${r.roomId}/messages/${m.id}`, { method: 'DELETE', csrf: false })).status,
      403,
    );
    assert.equal((await r.del(r.ann, 'not-an-id')).status, 400);
    assert.equal((await r.ann.fetch(`/room/${'0'.repeat(24)}/messages/${m.id}`, { method: 'DELETE' })).status, 404);
    const other = await r.ann.createRoom('elsewhere');
    await r.ann.enter(other).then((s) => sockets.push(s));
    assert.equal((await r.ann.fetch(`/room/${other}/messages/${m.id}`, { method: 'DELETE' })).status, 404);
    r.wo.send({ type: 'kick', roomId: r.roomId, userId: r.ann.me.id });
    await r.wa.next('kicked');
    assert.equal((await r.del(r.ann, m.id)).status, 403, 'kicked: no longer theirs to delete');
    assert.ok((await r.texts(r.owner)).includes('guarded'));
  });
});
