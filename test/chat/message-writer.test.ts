// The message writer against the real embedded database: messages take consecutive places in
// their room and are published in place order across batches, two writers whose counters
// disagree (two instances after Redis lost its data) never share a place and lose nothing, a
// retry with the same clientId is a duplicate (published once), and ids only grow.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ObjectId } from 'bson';
import mongoose from 'mongoose';
import type { Chat } from '../../src/chat/create-chat.js';
import { newVisitor } from '../../src/chat/identity.js';
import { MessageWriter, type Draft } from '../../src/chat/message-writer.js';
import { LocalRoomSequence } from '../../src/chat/room-sequence.js';
import type { MessageView } from '../../src/shared/protocol.js';
import { IdTakenError, insertMessages, newMessageId, seedMessageIds } from '../../src/store/message-repository.js';
import { startChatStore, type ChatStore } from '../helpers/chat-domain.js';

const roomId = () => randomBytes(12).toString('hex');
const author = newVisitor();
const draft = (room: string, text: string, clientId: string | null = null): Draft => ({
  roomId: room,
  kind: 'chat',
  author,
  text,
  gif: null,
  to: null,
  system: null,
  clientId,
  deletes: null,
});
const ascending = (ids: string[]) => ids.every((id, i) => i === 0 || ids[i - 1]! < id);

describe('message writer', () => {
  let store: ChatStore;
  let chat: Chat;
  before(async () => {
    store = await startChatStore();
    chat = await store.chat();
  });
  after(() => store.close());

  it('publishes batch after batch in place order, each message once, places consecutive', async () => {
    const published: MessageView[] = [];
    const writer = new MessageWriter((m) => published.push(m), new LocalRoomSequence());
    const room = roomId();
    const other = roomId();
    // More than one insert carries (512), posted in one turn, and more while those are stored.
    const writes = Array.from({ length: 1200 }, (_, i) => writer.write(draft(i % 3 ? room : other, `first ${i}`)));
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 300; i++) writes.push(writer.write(draft(room, `second ${i}`)));
    const posted = await Promise.all(writes);
    writer.close();

    const inRoom = posted.map((p) => p.message).filter((m) => m.roomId === room);
    assert.deepEqual(
      inRoom.map((m) => m.seq),
      inRoom.map((_, i) => i + 1),
      'places 1, 2, 3… in the order written',
    );
    assert.deepEqual(
      published.filter((m) => m.roomId === other).map((m) => m.seq),
      Array.from({ length: 400 }, (_, i) => i + 1),
      'the other room counts on its own',
    );
    assert.deepEqual(
      published.map((m) => m.id),
      posted.map((p) => p.message.id),
      'each published once, in the order written',
    );
    assert.ok(
      posted.every((p) => !p.duplicate),
      'none is a duplicate',
    );
  });

  it('two writers whose counters disagree never share a place and lose nothing', async () => {
    const published: MessageView[] = [];
    // Two instances, each sure it knows the room's next place.
    const one = new MessageWriter((m) => published.push(m), new LocalRoomSequence());
    const two = new MessageWriter((m) => published.push(m), new LocalRoomSequence());
    const room = roomId();
    await one.write(draft(room, 'seed'));
    const writes = Array.from({ length: 200 }, (_, i) => (i % 2 ? one : two).write(draft(room, `race ${i}`)));
    const posted = await Promise.all(writes);
    one.close();
    two.close();
    const seqs = posted.map((p) => p.message.seq);
    assert.equal(new Set(seqs).size, 200, 'every message has a place of its own');
    assert.equal(new Set(published.map((m) => m.id)).size, 201, 'all stored and published once');
    const page = await chat.messages.before(room, author.id, undefined, 100);
    assert.ok(
      page.messages.every((m, i) => i === 0 || page.messages[i - 1]!.seq < m.seq),
      'history reads them in place order',
    );
  });

  it('gives ids that only grow, write after write', async () => {
    const writer = new MessageWriter(() => undefined, new LocalRoomSequence());
    const room = roomId();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await writer.write(draft(room, `one by one ${i}`))).message.id);
    writer.close();
    assert.ok(ascending(ids));
  });

  it('never takes another message, stored under the same id, for an earlier attempt of its own', async () => {
    const room = roomId();
    const first = { ...draft(room, 'first'), id: newMessageId(), seq: 1 };
    const [stored] = await insertMessages([first]);
    assert.ok(stored && 'record' in stored);
    // The same id again: an earlier attempt of this message (same room, same place) is found as stored...
    const [retry] = await insertMessages([first]);
    assert.ok(retry && 'record' in retry && retry.record.id === first.id && !retry.duplicate);
    // ...but a different message under that id (another instance made the same id) is refused.
    const [clash] = await insertMessages([{ ...draft(room, 'second'), id: first.id, seq: 2 }]);
    assert.ok(clash && 'error' in clash && clash.error instanceof IdTakenError, 'refused, not reported as stored');
  });

  it('answers a retry with the same clientId with the stored message, published once', async () => {
    const seen: MessageView[] = [];
    chat.events.on('message', (m) => seen.push(m));
    const room = { id: roomId() };
    // A room's messages are delivered here once its place is known (a socket's join does this).
    await chat.messages.live(room.id);
    const first = await chat.messages.postChat(room, author, 'hello', 'retry-1');
    const again = await chat.messages.postChat(room, author, 'hello (resent)', 'retry-1');
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.equal(again.message.text, 'hello', 'the stored one, not the resent text');
    // Two sends of one message in the same batch: one is stored, the other is its duplicate.
    const both = await Promise.all([
      chat.messages.postChat(room, author, 'twice', 'retry-2'),
      chat.messages.postChat(room, author, 'twice', 'retry-2'),
    ]);
    assert.deepEqual(
      both.map((p) => p.duplicate),
      [false, true],
    );
    assert.equal(both[1].message.id, both[0].message.id);
    assert.deepEqual(
      seen.filter((m) => m.roomId === room.id).map((m) => m.text),
      ['hello', 'twice'],
    );
    // Another person may use the same clientId; the same person may not in another room.
    const other = await chat.messages.postChat(room, newVisitor(), 'mine', 'retry-1');
    assert.equal(other.duplicate, false);
    await assert.rejects(chat.messages.postChat({ id: roomId() }, author, 'elsewhere', 'retry-1'), {
      code: 'conflict',
    });
  });

  it('while the database is gone, writes fail and publish nothing; back, ids go on growing', async () => {
    const published: string[] = [];
    const writer = new MessageWriter((m) => published.push(m.id), new LocalRoomSequence());
    const room = roomId();
    const before = (await writer.write(draft(room, 'before'))).message.id;
    await mongoose.disconnect();
    try {
      const results = await Promise.allSettled([
        writer.write(draft(room, 'lost 1')),
        writer.write(draft(room, 'lost 2')),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
    } finally {
      await mongoose.connect(store.databaseUrl, { bufferCommands: false });
    }
    const afterwards = (await writer.write(draft(room, 'after'))).message.id;
    writer.close();
    assert.ok(afterwards > before);
    assert.deepEqual(published, [before, afterwards]);
  });

  // Last: it moves this process's ids far ahead (to predict the writer's next one).
  it('a message whose id is already taken goes again with a new id; its place is said to stay empty', async () => {
    const room = roomId();
    const elsewhere = roomId();
    // The newest id stored, another process's and far ahead of the clock: the next id made here is
    // the second after it, with this process's fixed bytes and count 0 (see message-ids.ts).
    const own = new ObjectId().toHexString().slice(8, 18);
    const newest = `f0000000${own === 'ffffffffff' ? 'fffffffffe' : 'ffffffffff'}000005`;
    await insertMessages([{ ...draft(elsewhere, 'newest'), id: newest, seq: 1 }]);
    await seedMessageIds();
    const next = `f0000001${own}000000`;
    await insertMessages([{ ...draft(elsewhere, 'holds the next id'), id: next, seq: 2 }]);
    const published: MessageView[] = [];
    const skipped: number[] = [];
    const writer = new MessageWriter(
      (m) => published.push(m),
      new LocalRoomSequence(),
      (_room, seq) => skipped.push(seq),
    );
    const posted = await writer.write(draft(room, 'mine'));
    writer.close();
    assert.equal(posted.message.text, 'mine');
    assert.notEqual(posted.message.id, next);
    assert.deepEqual(skipped, [1], 'the place taken with the clashing id stays empty');
    assert.deepEqual(
      published.map((m) => [m.text, m.seq]),
      [['mine', 2]],
    );
  });
});
