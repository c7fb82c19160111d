// The chat domain against the real embedded database: a join whose announcement cannot be stored
// leaves nobody behind, and presence lets go of connections that are no longer live.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { createChat, type Chat } from '../../src/chat/create-chat.js';
import { newVisitor } from '../../src/chat/identity.js';
import { Presence } from '../../src/chat/presence.js';
import { connectStore, type StoreConnection } from '../../src/store/connection.js';
import { waitFor } from '../helpers/processes.js';

describe('membership', () => {
  let dir: string;
  let store: StoreConnection;
  let chat: Chat;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gifchat-membership-'));
    store = await connectStore({ mongoUrl: undefined, dataDir: dir, opTimeoutMs: 5000 });
    chat = await createChat({
      uploadDir: path.join(dir, 'uploads'),
      roomIdleMs: 60_000,
      roomMaxMembers: 10,
      presenceGraceMs: 50,
      chatPer10s: 20,
      chatPerIpPer10s: 100,
      onError: () => undefined,
    });
  });
  after(async () => {
    chat.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a join whose system message fails to store leaves the person out, and the seat free', async () => {
    const owner = newVisitor();
    const bob = newVisitor();
    const room = await chat.rooms.create({ title: 'fragile', max: 2, password: '' }, owner);
    await chat.membership.join(room, owner, new Set(), 'c-owner');
    // The database goes away between the entry check and the join's announcement.
    const { host, port, name } = mongoose.connection;
    await mongoose.disconnect();
    try {
      await assert.rejects(chat.membership.join(room, bob, new Set(), 'c-bob'));
      assert.equal(chat.presence.has(room.id, bob.id), false);
      assert.equal(chat.presence.count(room.id), 1);
    } finally {
      await mongoose.connect(`mongodb://${host}:${port}/${name}`, { bufferCommands: false });
    }
    // Back again, bob gets the seat that was never really his.
    await chat.membership.join(room, bob, new Set(), 'c-bob');
    assert.deepEqual(
      chat.presence.members(room.id).map((p) => p.id),
      [owner.id, bob.id],
    );
  });
});

describe('presence', () => {
  it('drops connections that are no longer live after the grace period', async () => {
    const gone: string[] = [];
    const presence = new Presence(50, (_roomId, person) => gone.push(person.nickname));
    const [a, b] = [newVisitor(), newVisitor()];
    presence.join('r', a, '1');
    presence.join('r', b, '2');
    presence.join('r', b, '3');
    const live = new Set(['1', '3']);
    presence.reconcile((id) => live.has(id));
    assert.equal(presence.count('r'), 2, 'b still has a live tab');
    live.delete('3');
    presence.reconcile((id) => live.has(id));
    await waitFor(() => presence.count('r') === 1, 2000, 'b to be gone');
    assert.deepEqual(gone, [b.nickname]);
    presence.close();
  });

  it('leaving twice, or undoing a join already left, takes nothing from another tab', () => {
    const presence = new Presence(10_000, () => undefined);
    const a = newVisitor();
    presence.join('r', a, '1');
    presence.join('r', a, '2');
    presence.leave('r', a.id, '1');
    presence.leave('r', a.id, '1');
    presence.undoJoin('r', a.id, '1');
    assert.equal(presence.has('r', a.id), true);
    presence.undoJoin('r', a.id, '2');
    assert.equal(presence.has('r', a.id), false);
    presence.close();
  });
});
