// GET /room/:id/messages?after=<id>: the page of newer messages a reader scrolled away from the
// newest reads on the way back down. It shows what a transcript shows (no deleted messages, no
// deletion records, whispers only to their two people), in place order, strictly after `after`;
// bad places are a 400, and the same people are refused as for the older pages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageView } from '../../src/shared/protocol.js';
import { UNBUDGETED } from '../helpers/server.js';
import { suiteServer } from '../helpers/suite-server.js';
import { Visitor } from '../helpers/visitor.js';

interface Page {
  messages: MessageView[];
  hasMore: boolean;
}

describe('pages of newer messages', () => {
  const suite = suiteServer(UNBUDGETED);
  const { sockets } = suite;

  /** A room whose owner is in it (socket joined) and has posted `count` chats, in order. */
  async function roomWith(count: number, title = 'newer pages') {
    const owner = await Visitor.create(suite.srv.baseUrl);
    const roomId = await owner.createRoom(title);
    const socket = await owner.enter(roomId);
    sockets.push(socket);
    const posted: MessageView[] = [];
    for (let i = 1; i <= count; i++) posted.push(await post(owner, roomId, `chat ${i}`));
    return { owner, roomId, socket, posted };
  }

  async function post(v: Visitor, roomId: string, text: string): Promise<MessageView> {
    const res = await v.postJson(`/room/${roomId}/chat`, { chat: text });
    const body = await res.text();
    assert.equal(res.status, 201, body);
    return (JSON.parse(body) as { message: MessageView }).message;
  }

  const newer = (v: Visitor, roomId: string, query: string): Promise<Page> => v.history(roomId, query);
  const errorCode = async (res: Response): Promise<string> =>
    ((await res.json()) as { error: { code: string } }).error.code;

  it('pages forward in place order, strictly after `after`, `limit` at a time, with hasMore', async () => {
    const { owner, roomId, posted } = await roomWith(12);
    const texts = (p: Page) => p.messages.map((m) => m.text);

    const first = await newer(owner, roomId, `?after=${posted[2]!.id}&limit=5`);
    assert.deepEqual(texts(first), ['chat 4', 'chat 5', 'chat 6', 'chat 7', 'chat 8']);
    assert.equal(first.hasMore, true);
    const seqs = first.messages.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );

    const second = await newer(owner, roomId, `?after=${first.messages.at(-1)!.id}&limit=5`);
    assert.deepEqual(texts(second), ['chat 9', 'chat 10', 'chat 11', 'chat 12']);
    assert.equal(second.hasMore, false, 'the newest is in it');

    const exact = await newer(owner, roomId, `?after=${posted[6]!.id}&limit=5`);
    assert.deepEqual(texts(exact), ['chat 8', 'chat 9', 'chat 10', 'chat 11', 'chat 12']);
    assert.equal(exact.hasMore, false, 'exactly `limit` left: nothing more');

    const last = await newer(owner, roomId, `?after=${posted.at(-1)!.id}`);
    assert.deepEqual(last, { messages: [], hasMore: false });

    // Without `limit`, a page is the usual 50.
    const { owner: o2, roomId: r2, posted: p2 } = await roomWith(55, 'long');
    const page = await newer(o2, r2, `?after=${p2[0]!.id}`);
    assert.equal(page.messages.length, 50);
    assert.equal(page.messages[0]!.text, 'chat 2');
    assert.equal(page.hasMore, true);
  });

  it('leaves out deleted messages and deletion records, and whispers for anyone but their two people', async () => {
    const { owner, roomId, posted } = await roomWith(3);
    const [ann, bob] = [await Visitor.create(suite.srv.baseUrl), await Visitor.create(suite.srv.baseUrl)];
    const [wa, wb] = [await ann.enter(roomId), await bob.enter(roomId)];
    sockets.push(wa, wb);
    const start = posted.at(-1)!.id;

    const gone = await post(ann, roomId, 'taken back');
    assert.equal((await ann.fetch(`/room/${roomId}/messages/${gone.id}`, { method: 'DELETE' })).status, 204);
    wa.send({ type: 'whisper', roomId, to: bob.me.id, text: 'psst bob', clientId: 'w1' });
    await wa.next('ack', (f) => f.clientId === 'w1');
    await post(owner, roomId, 'after all that');

    const shown = (p: Page) => p.messages.filter((m) => m.kind !== 'system').map((m) => m.text);
    for (const [v, expected] of [
      [owner, ['after all that']],
      [ann, ['psst bob', 'after all that']],
      [bob, ['psst bob', 'after all that']],
    ] as const) {
      const page = await newer(v, roomId, `?after=${start}`);
      assert.deepEqual(shown(page), expected, v.me.nickname);
      assert.ok(!page.messages.some((m) => m.kind === 'delete' || m.id === gone.id));
    }
    // A message taken back still names a place: the reader may hold it from before.
    const fromGone = await newer(owner, roomId, `?after=${gone.id}`);
    assert.deepEqual(shown(fromGone), ['after all that']);
  });

  it('refuses a malformed or unknown `after`, one from another room, and `after` with `before`: 400', async () => {
    const { owner, roomId, posted } = await roomWith(2);
    const { roomId: otherRoom, posted: elsewhere } = await roomWith(1, 'elsewhere');
    const id = posted[0]!.id;
    for (const query of [
      '?after=zzz',
      '?after=',
      `?after=${id}x`,
      `?after[$gt]=${id}`,
      `?after=${id}&after=${id}`,
      `?after=${'0'.repeat(24)}`,
      `?after=${'f'.repeat(24)}`,
      `?after=${elsewhere[0]!.id}`,
      `?after=${id}&before=${posted[1]!.id}`,
      `?after=${id}&limit=0`,
      `?after=${id}&limit=101`,
    ]) {
      const res = await owner.fetch(`/room/${roomId}/messages${query}`);
      assert.equal(res.status, 400, query);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'invalid', query);
      assert.ok(body.error.message.length > 0);
    }
    // The other room's own id is fine there.
    assert.equal((await owner.fetch(`/room/${otherRoom}/messages?after=${elsewhere[0]!.id}`)).status, 200);
  });

  it('refuses the people the older pages refuse: strangers to a private room, the kicked, outsiders of a full room', async () => {
    const owner = await Visitor.create(suite.srv.baseUrl);
    const secret = await owner.createRoom('secret', { password: 'open sesame' });
    const os = await owner.enter(secret);
    sockets.push(os);
    const first = await post(owner, secret, 'hush');
    const stranger = await Visitor.create(suite.srv.baseUrl);
    for (const query of ['', `?before=${first.id}`, `?after=${first.id}`]) {
      const res = await stranger.fetch(`/room/${secret}/messages${query}`);
      assert.equal(res.status, 403, query);
      assert.equal(await errorCode(res), 'forbidden', query);
    }
    assert.equal(await stranger.unlock(secret, 'open sesame'), 204);
    assert.equal((await stranger.fetch(`/room/${secret}/messages?after=${first.id}`)).status, 200, 'with the password');

    const bob = await Visitor.create(suite.srv.baseUrl);
    assert.equal(await bob.unlock(secret, 'open sesame'), 204);
    const bs = await bob.enter(secret);
    sockets.push(bs);
    assert.equal((await bob.fetch(`/room/${secret}/messages?after=${first.id}`)).status, 200);
    os.send({ type: 'kick', roomId: secret, userId: bob.me.id });
    await bs.next('kicked');
    for (const query of [`?before=${first.id}`, `?after=${first.id}`]) {
      const res = await bob.fetch(`/room/${secret}/messages${query}`);
      assert.equal(res.status, 403, query);
      assert.equal(await errorCode(res), 'banned', query);
    }

    const full = await owner.createRoom('two seats', { max: 2 });
    const fo = await owner.enter(full);
    const carol = await Visitor.create(suite.srv.baseUrl);
    const fc = await carol.enter(full);
    sockets.push(fo, fc);
    const said = await post(owner, full, 'we are two');
    const dave = await Visitor.create(suite.srv.baseUrl);
    for (const query of [`?before=${said.id}`, `?after=${said.id}`]) {
      const res = await dave.fetch(`/room/${full}/messages${query}`);
      assert.equal(res.status, 403, query);
      assert.equal(await errorCode(res), 'room_full', query);
    }
  });
});
