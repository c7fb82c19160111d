// GET /room/:id/messages?before=<id>&beforeSeq=<its place> (and after=<id>&afterSeq=): a transcript
// knows the place of every message it shows, and with it the server reads the page in one go. The place is a hint,
// never trusted: a wrong one gets the same page as none, a malformed one a 400, and naming a
// message the reader may not see (someone else's whisper, a deleted one) shows them nothing more
// than `before` alone does; `after` naming someone else's whisper is refused as an unknown id is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageView } from '../../src/shared/protocol.js';
import { UNBUDGETED } from '../helpers/server.js';
import { suiteServer } from '../helpers/suite-server.js';
import { Visitor } from '../helpers/visitor.js';

describe('pages with the place of `before` or `after`', () => {
  const suite = suiteServer(UNBUDGETED);
  const { sockets } = suite;

  /** Ann and Bob in a room of chats, whispers between them and a few deleted chats. */
  async function busyRoom() {
    const ann = await Visitor.create(suite.srv.baseUrl);
    const bob = await Visitor.create(suite.srv.baseUrl);
    const cat = await Visitor.create(suite.srv.baseUrl);
    const roomId = await ann.createRoom('by place');
    const wa = await ann.enter(roomId);
    const wb = await bob.enter(roomId);
    sockets.push(wa, wb, await cat.enter(roomId));
    const all: MessageView[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 7 === 3) {
        wa.send({ type: 'whisper', roomId, to: bob.me.id, text: `psst ${i}`, clientId: `w${i}` });
        const id = (await wa.next('ack', (f) => f.clientId === `w${i}`)).id;
        all.push((await wb.next('message', (f) => f.message.id === id)).message);
        continue;
      }
      const res = await ann.postJson(`/room/${roomId}/chat`, { chat: `chat ${i}` });
      assert.equal(res.status, 201);
      all.push(((await res.json()) as { message: MessageView }).message);
    }
    for (const m of all.filter((x) => x.kind === 'chat' && x.seq % 5 === 0)) {
      assert.equal((await ann.fetch(`/room/${roomId}/messages/${m.id}`, { method: 'DELETE' })).status, 204);
    }
    return { ann, bob, cat, roomId, all };
  }

  /** Status and body of a page request (the body a page when 200, an error otherwise). */
  async function outcome(v: Visitor, roomId: string, query: string) {
    const res = await v.fetch(`/room/${roomId}/messages${query}`);
    return { status: res.status, page: (await res.json()) as { messages: MessageView[]; hasMore: boolean } };
  }

  it('gives the page `before` or `after` alone gives, for every place, right or wrong, and every reader', async () => {
    // A room for each reader: once a message's place is confirmed the server remembers it (and
    // asks no more), so every reader's wrong places come first, in a room of their own.
    for (const who of ['ann', 'bob', 'cat'] as const) {
      const r = await busyRoom();
      const reader = r[who];
      const newest = r.all.at(-1)!.seq;
      for (const m of r.all) {
        // Someone else's whisper is no message to page forward from (as an unknown id).
        const hidden = m.kind === 'whisper' && who === 'cat';
        for (const side of ['before', 'after'] as const) {
          const plain = await outcome(reader, r.roomId, `?${side}=${m.id}&limit=6`);
          assert.equal(plain.status, side === 'after' && hidden ? 400 : 200, `${who}, ${side} ${m.text}`);
          for (const seq of [m.seq - 1, m.seq + 3, 1, newest + 50, m.seq]) {
            const hinted = await outcome(reader, r.roomId, `?${side}=${m.id}&${side}Seq=${seq}&limit=6`);
            assert.deepEqual(hinted, plain, `${who}, ${side} ${m.text} (place ${m.seq}) said to be ${seq}`);
          }
          if (plain.status === 200)
            assert.ok(!plain.page.messages.some((x) => x.id === m.id), 'never the message itself');
        }
      }
    }
  });

  it('keeps what the reader may not see out, whatever message and place are named', async () => {
    const r = await busyRoom();
    const whisper = r.all.find((m) => m.kind === 'whisper')!;
    const page = await r.cat.history(r.roomId, `?before=${r.all.at(-1)!.id}&beforeSeq=${r.all.at(-1)!.seq}&limit=100`);
    assert.ok(!page.messages.some((m) => m.kind === 'whisper'), 'no whispers for a third person');
    assert.ok(!page.messages.some((m) => m.seq % 5 === 0 && m.kind === 'chat'), 'no deleted chats');
    const afterWhisper = await r.cat.history(r.roomId, `?before=${whisper.id}&beforeSeq=${whisper.seq}&limit=3`);
    assert.ok(afterWhisper.messages.every((m) => m.seq < whisper.seq && m.kind !== 'whisper'));
  });

  it("answers `after` naming someone else's whisper as one naming no message, even once its people paged past it", async () => {
    const r = await busyRoom();
    const whisper = r.all.find((m) => m.kind === 'whisper')!;
    const unknown = await outcome(r.cat, r.roomId, `?after=${'f'.repeat(24)}`);
    assert.equal(unknown.status, 400);
    // Bob reads a page ending at the whisper, and one from it: the server now knows its place.
    const upTo = await r.bob.history(r.roomId, `?before=${r.all[r.all.indexOf(whisper) + 1]!.id}&limit=2`);
    assert.equal(upTo.messages.at(-1)?.id, whisper.id);
    assert.ok((await r.bob.history(r.roomId, `?after=${whisper.id}&limit=2`)).messages.length > 0);
    for (const q of [
      `?after=${whisper.id}`,
      `?after=${whisper.id}&afterSeq=${whisper.seq}`,
      `?after=${whisper.id}&afterSeq=1`,
    ]) {
      const seen = await outcome(r.cat, r.roomId, q);
      assert.deepEqual(seen, unknown, q);
      assert.equal((await outcome(r.ann, r.roomId, q)).status, 200, `its author, ${q}`);
    }
  });

  it('refuses a malformed place, one without its message, or an `after` not in the room: 400', async () => {
    const r = await busyRoom();
    const m = r.all[10]!;
    for (const q of [
      `?before=${m.id}&beforeSeq=0`,
      `?before=${m.id}&beforeSeq=-3`,
      `?before=${m.id}&beforeSeq=1.5`,
      `?before=${m.id}&beforeSeq=abc`,
      `?before=${m.id}&beforeSeq=1e20`,
      `?before=${m.id}&beforeSeq=1&beforeSeq=2`,
      `?beforeSeq=${m.seq}`,
      `?after=${m.id}&beforeSeq=${m.seq}`,
      `?after=${m.id}&afterSeq=0`,
      `?after=${m.id}&afterSeq=x`,
      `?afterSeq=${m.seq}`,
      `?before=${m.id}&afterSeq=${m.seq}`,
      `?after=${'f'.repeat(24)}&afterSeq=${m.seq}`,
    ]) {
      const res = await r.ann.fetch(`/room/${r.roomId}/messages${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid', q);
    }
  });
});
