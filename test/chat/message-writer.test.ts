// The message writer against the real embedded database: messages are published in id order
// across batches, the catch-up boundary always separates published from unpublished ids, a retry
// with the same clientId is a duplicate (published once), and ids only grow.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import type { Chat } from '../../src/chat/create-chat.js';
import { newVisitor } from '../../src/chat/identity.js';
import { MessageWriter, type Draft } from '../../src/chat/message-writer.js';
import type { MessageView } from '../../src/shared/protocol.js';
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

  it('publishes batch after batch in id order, each message once, with the boundary between published and not', async () => {
    const published: string[] = [];
    const writer = new MessageWriter((m) => published.push(m.id));
    const room = roomId();
    // More than one insert carries (512), posted in one turn, and more while those are stored.
    const writes = Array.from({ length: 1200 }, (_, i) => writer.write(draft(room, `first ${i}`)));
    const samples: Array<{ boundary: string; publishedBefore: number }> = [];
    const sampling = setInterval(() =>
      samples.push({ boundary: writer.boundary(), publishedBefore: published.length }),
    );
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 300; i++) writes.push(writer.write(draft(room, `second ${i}`)));
    const posted = await Promise.all(writes);
    clearInterval(sampling);
    writer.close();

    const ids = posted.map((p) => p.message.id);
    assert.ok(ascending(ids), 'ids are given in the order messages are written');
    assert.ok(ascending(published), 'published in id order');
    assert.deepEqual(published, ids, 'each published once');
    assert.ok(
      posted.every((p) => !p.duplicate),
      'none is a duplicate',
    );
    assert.ok(samples.length > 0);
    for (const { boundary, publishedBefore } of samples) {
      assert.ok(
        published.slice(0, publishedBefore).every((id) => id < boundary),
        'above every published id',
      );
      assert.ok(
        published.slice(publishedBefore).every((id) => id >= boundary),
        'at or below every id still to come',
      );
    }
    assert.ok(writer.boundary() > ids.at(-1)!, 'once all is published, the boundary is above it');
  });

  it('gives ids that only grow, write after write', async () => {
    const writer = new MessageWriter(() => undefined);
    const room = roomId();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await writer.write(draft(room, `one by one ${i}`))).message.id);
    writer.close();
    assert.ok(ascending(ids));
  });

  it('answers a retry with the same clientId with the stored message, published once', async () => {
    const seen: MessageView[] = [];
    chat.events.on('message', (m) => seen.push(m));
    const room = { id: roomId() };
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
    const writer = new MessageWriter((m) => published.push(m.id));
    const room = roomId();
    const before = (await writer.write(draft(room, 'before'))).message.id;
    const { host, port, name } = mongoose.connection;
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
      await mongoose.connect(`mongodb://${host}:${port}/${name}`, { bufferCommands: false });
    }
    const afterwards = (await writer.write(draft(room, 'after'))).message.id;
    writer.close();
    assert.ok(afterwards > before);
    assert.deepEqual(published, [before, afterwards]);
  });
});
