// Membership against the real embedded database: joins announced once, a join whose announcement
// cannot be stored leaves nobody behind, an owner who goes for good hands the room on, kicks that
// hold, renames that no one in the room could confuse, and empty rooms that go away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import type { Chat } from '../../src/chat/create-chat.js';
import { newVisitor } from '../../src/chat/identity.js';
import type { MessageView } from '../../src/shared/protocol.js';
import { findRoom } from '../../src/store/room-repository.js';
import { startChatStore, type ChatStore } from '../helpers/chat-domain.js';
import { waitFor } from '../helpers/wait.js';

const none = new Set<string>();

describe('membership', () => {
  let store: ChatStore;
  let chat: Chat;
  /** System messages as published, per room: "event name[ newName]". */
  const system = new Map<string, string[]>();
  before(async () => {
    store = await startChatStore();
    chat = await store.chat();
    chat.events.on('message', (m: MessageView) => {
      if (!m.system) return;
      const list = system.get(m.roomId) ?? [];
      list.push([m.system.event, m.system.name, m.system.newName].filter(Boolean).join(' '));
      system.set(m.roomId, list);
    });
  });
  after(() => store.close());

  /** A new room with its owner and the given others in it, in that order. */
  async function roomOf(others: number, max = 10) {
    const owner = newVisitor();
    const room = await chat.rooms.create({ title: 'members', max, password: '' }, owner);
    const people = [owner, ...Array.from({ length: others }, () => newVisitor())];
    for (const p of people) await chat.membership.join(room, p, none, `c-${p.id}`);
    return { room, owner, people };
  }

  it('announces a first join once; a second tab is no news', async () => {
    const owner = newVisitor();
    const room = await chat.rooms.create({ title: 'news', max: 3, password: '' }, owner);
    const lists: string[][] = [];
    const onMembers = (roomId: string, members: Array<{ id: string; isOwner: boolean }>) => {
      if (roomId === room.id) lists.push(members.map((m) => `${m.id === owner.id ? 'owner' : m.id}:${m.isOwner}`));
    };
    chat.events.on('members', onMembers);
    const members = await chat.membership.join(room, owner, none, 'tab-1');
    await chat.membership.join(room, owner, none, 'tab-2');
    chat.events.off('members', onMembers);
    assert.deepEqual(members, [{ ...owner, isOwner: true }]);
    assert.deepEqual(lists, [['owner:true']]);
    assert.deepEqual(system.get(room.id), [`join ${owner.nickname}`]);
  });

  it('a join whose system message fails to store leaves the person out, and the seat free', async () => {
    const owner = newVisitor();
    const bob = newVisitor();
    const room = await chat.rooms.create({ title: 'fragile', max: 2, password: '' }, owner);
    await chat.membership.join(room, owner, none, 'c-owner');
    // The database goes away between the entry check and the join's announcement.
    await mongoose.disconnect();
    try {
      await assert.rejects(chat.membership.join(room, bob, none, 'c-bob'));
      assert.equal(chat.presence.has(room.id, bob.id), false);
      assert.equal(chat.presence.count(room.id), 1);
    } finally {
      await mongoose.connect(store.databaseUrl, { bufferCommands: false });
    }
    // Back again, bob gets the seat that was never really his.
    await chat.membership.join(room, bob, none, 'c-bob');
    assert.deepEqual(
      chat.presence.members(room.id).map((p) => p.id),
      [owner.id, bob.id],
    );
  });

  it('when the owner is gone for good, the longest-present member takes the room', async () => {
    const { room, owner, people } = await roomOf(2);
    const bob = people[1]!;
    chat.membership.leave(room.id, owner.id, `c-${owner.id}`);
    await waitFor(() => (system.get(room.id) ?? []).length === 5, 5000, 'the leave and the new owner');
    assert.deepEqual(system.get(room.id)!.slice(3), [`leave ${owner.nickname}`, `owner ${bob.nickname}`]);
    const stored = (await findRoom(room.id))!;
    assert.equal(stored.owner.id, bob.id);
    assert.deepEqual(
      chat.membership.members(stored).map((m) => [m.id, m.isOwner]),
      [
        [bob.id, true],
        [people[2]!.id, false],
      ],
    );
  });

  it('only the owner hands the room on, and only to someone in it', async () => {
    const { room, owner, people } = await roomOf(1);
    const bob = people[1]!;
    await assert.rejects(chat.membership.transfer(room, bob, bob.id), { code: 'forbidden' });
    await assert.rejects(chat.membership.transfer(room, owner, newVisitor().id), { code: 'invalid' });
    await chat.membership.transfer(room, owner, bob.id);
    assert.equal((await findRoom(room.id))?.owner.id, bob.id);
    assert.deepEqual(system.get(room.id)!.at(-1), `owner ${bob.nickname}`);
  });

  it('a kicked member is out at once, told so, and cannot come back', async () => {
    const { room, owner, people } = await roomOf(2);
    const [bob, carol] = [people[1]!, people[2]!];
    const kicked: string[] = [];
    chat.events.on('kicked', (roomId, personId) => {
      if (roomId === room.id) kicked.push(personId);
    });
    await assert.rejects(chat.membership.kick(room, bob, carol.id), { code: 'forbidden' });
    await assert.rejects(chat.membership.kick(room, owner, owner.id), { code: 'invalid' });
    await assert.rejects(chat.membership.kick(room, owner, newVisitor().id), { code: 'not_found' });
    await chat.membership.kick(room, owner, bob.id);
    assert.deepEqual(kicked, [bob.id]);
    assert.equal(chat.presence.has(room.id, bob.id), false);
    assert.deepEqual(system.get(room.id)!.at(-1), `kick ${bob.nickname}`);
    assert.deepEqual((await findRoom(room.id))?.banned, [bob.id]);
    await assert.rejects(chat.membership.join(room, bob, none, 'c-bob-again'), { code: 'banned' });
    const reread = (await findRoom(room.id))!;
    await assert.rejects(chat.membership.join(reread, bob, none, 'c-bob-again'), { code: 'banned' });
  });

  it('renames a person in every room they are in, unless the name looks like another member’s', async () => {
    const { room, owner, people } = await roomOf(1);
    const bob = people[1]!;
    const elsewhere = await chat.rooms.create({ title: 'bob’s other room', max: 5, password: '' }, bob);
    await chat.membership.join(elsewhere, bob, none, 'c-bob-2');
    await assert.rejects(chat.membership.rename(bob, ' \u200b '), { code: 'invalid' });
    await assert.rejects(chat.membership.rename(bob, owner.nickname.toUpperCase()), { code: 'conflict' });
    const renamed = await chat.membership.rename(bob, '  Bobby\u200b ');
    assert.equal(renamed.nickname, 'Bobby', 'cleaned');
    for (const r of [room, elsewhere]) {
      assert.ok(chat.presence.members(r.id).some((p) => p.nickname === 'Bobby'));
      assert.deepEqual(system.get(r.id)!.at(-1), `rename ${bob.nickname} Bobby`);
    }
    assert.equal((await findRoom(elsewhere.id))?.owner.nickname, 'Bobby', 'the room bob owns shows the new name');
  });

  it('removes a room once it has been empty for the idle time, and one nobody ever entered', async () => {
    const quick = await store.chat({ roomIdleMs: 200 });
    const removed = new Set<string>();
    quick.events.on('room-removed', (roomId) => removed.add(roomId));
    const owner = newVisitor();
    const left = await quick.rooms.create({ title: 'left', max: 2, password: '' }, owner);
    const never = await quick.rooms.create({ title: 'never entered', max: 2, password: '' }, owner);
    await quick.membership.join(left, owner, none, 'c-1');
    quick.membership.leave(left.id, owner.id, 'c-1');
    await waitFor(() => removed.has(left.id) && removed.has(never.id), 5000, 'both rooms to go');
    assert.equal(await findRoom(left.id), null);
    assert.equal(await findRoom(never.id), null);
  });
});
