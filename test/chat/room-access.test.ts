// RoomAccess against rooms stored in the real embedded database: the order in which admit asks
// its questions (banned, present, owner, password, capacity, look-alike names), what posting
// needs, and the chat budgets per person and per address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Chat } from '../../src/chat/create-chat.js';
import { newVisitor } from '../../src/chat/identity.js';
import { banFromRoom, findRoom } from '../../src/store/room-repository.js';
import { startChatStore, type ChatStore } from '../helpers/chat-domain.js';

const none = new Set<string>();

/** Asserts the code of the ChatError `fn` throws, or 'allowed' when it throws nothing. */
function verdict(expected: string, fn: () => void, message?: string): void {
  let code = 'allowed';
  try {
    fn();
  } catch (err) {
    code = (err as { code?: string }).code ?? String(err);
  }
  assert.equal(code, expected, message);
}

describe('room access', () => {
  let store: ChatStore;
  let chat: Chat;
  before(async () => {
    store = await startChatStore();
    chat = await store.chat({ chatPer10s: 3, chatPerIpPer10s: 5 });
  });
  after(() => store.close());

  /** A room of `max` seats with its owner in it, and `others` more people present. */
  async function roomWith(opts: { max: number; password?: string; others?: number }) {
    const owner = newVisitor();
    const room = await chat.rooms.create({ title: 'rules', max: opts.max, password: opts.password ?? '' }, owner);
    await chat.membership.join(room, owner, none, `c-${owner.id}`);
    const others = Array.from({ length: opts.others ?? 0 }, () => newVisitor());
    const grant = new Set([chat.access.grantFor(room)]);
    for (const p of others) await chat.membership.join(room, p, grant, `c-${p.id}`);
    return { room, owner, others };
  }

  it('refuses someone the owner removed before anything else, even while present', async () => {
    const { room, owner, others } = await roomWith({ max: 3, others: 1 });
    const bob = others[0]!;
    chat.access.ban(room.id, bob.id);
    assert.equal(chat.presence.has(room.id, bob.id), true);
    verdict('banned', () => chat.access.admit(room, bob, none));
    verdict('banned', () => chat.access.requireMember(room, bob));
    assert.equal(chat.access.asksPassword(room, bob, none), false, 'no password question for the banned');
    // A ban stored by another process is read from the room record.
    const carol = newVisitor();
    await banFromRoom(room.id, carol.id);
    const stored = (await findRoom(room.id))!;
    verdict('banned', () => chat.access.admit(stored, carol, none));
    verdict('allowed', () => chat.access.admit(stored, owner, none));
  });

  it('lets in whoever is present, and the owner, past a password, a full room and a look-alike name', async () => {
    const { room, owner, others } = await roomWith({ max: 2, password: 'secret', others: 1 });
    const bob = others[0]!;
    assert.equal(chat.presence.count(room.id), room.max, 'full');
    verdict('allowed', () => chat.access.admit(room, bob, none), 'present, without a grant');
    const ownerTwin = { ...owner, nickname: bob.nickname.toUpperCase() };
    await chat.presence.evict(room.id, owner.id);
    await chat.membership.join(room, newVisitor(), new Set([chat.access.grantFor(room)]), 'c-filler');
    verdict('allowed', () => chat.access.admit(room, ownerTwin, none), 'the owner, locked out by nothing');
  });

  it('asks the password before counting seats, and seats before names', async () => {
    const { room, others } = await roomWith({ max: 2, password: 'secret', others: 1 });
    const bob = others[0]!;
    const grant = new Set([chat.access.grantFor(room)]);
    const twin = { ...newVisitor(), nickname: bob.nickname };
    verdict('forbidden', () => chat.access.admit(room, twin, none));
    assert.equal(chat.access.asksPassword(room, twin, none), true);
    verdict('room_full', () => chat.access.admit(room, twin, grant));
    await chat.presence.evict(room.id, bob.id);
    verdict('allowed', () => chat.access.admit(room, newVisitor(), grant));
  });

  it('a new password revokes every grant made for the old one', async () => {
    const { room, owner } = await roomWith({ max: 5, password: 'first' });
    const oldGrant = new Set([chat.access.grantFor(room)]);
    const changed = await chat.rooms.changePassword(room, owner, 'second');
    assert.notEqual(chat.access.grantFor(changed), chat.access.grantFor(room));
    verdict('forbidden', () => chat.access.admit(changed, newVisitor(), oldGrant));
    const opened = await chat.rooms.changePassword(changed, owner, '');
    verdict('allowed', () => chat.access.admit(opened, newVisitor(), none), 'a public room asks nothing');
  });

  it('refuses a name that anyone inside could take for theirs', async () => {
    const { room, owner } = await roomWith({ max: 10 });
    const alice = { ...newVisitor(), nickname: 'Alice' };
    await chat.membership.join(room, alice, none, 'c-alice');
    // Case, full-width letters, a Cyrillic а and spaces do not make another name.
    for (const nickname of ['alice', 'ALICE', 'Ａｌｉｃｅ', '\u0430lice', 'A lice', 'AIice']) {
      verdict('conflict', () => chat.access.admit(room, { ...newVisitor(), nickname }, none), nickname);
    }
    verdict('allowed', () => chat.access.admit(room, { ...newVisitor(), nickname: 'Alicia' }, none));
    verdict('allowed', () => chat.access.admit(room, { ...owner, nickname: 'alice' }, none), 'the owner');
  });

  it('lets only people in the room post, and only the owner rule it', async () => {
    const { room, owner } = await roomWith({ max: 5 });
    const dave = newVisitor();
    verdict('not_joined', () => chat.access.requireMember(room, dave));
    await chat.membership.join(room, dave, none, 'c-dave');
    verdict('allowed', () => chat.access.requireMember(room, dave));
    verdict('forbidden', () => chat.access.requireOwner(room, dave, 'do that'));
    verdict('allowed', () => chat.access.requireOwner(room, owner, 'do that'));
  });

  it('counts chats against the person and against their address, whichever runs out first', async () => {
    const rejected = async (personId: string, address: string) => {
      const err = await chat.access.takeChat(personId, address).then(
        () => undefined,
        (e: unknown) => e as { code: string; retryAfterMs: number },
      );
      assert.ok(!err || (err.code === 'rate_limited' && err.retryAfterMs > 0), JSON.stringify(err));
      return err !== undefined;
    };
    const [p1, p2, p3, p4] = [newVisitor(), newVisitor(), newVisitor(), newVisitor()];
    const takes: boolean[] = [];
    // Three per person, from any address.
    for (let i = 0; i < 4; i++) takes.push(await rejected(p1.id, '10.0.0.1'));
    assert.deepEqual(takes, [false, false, false, true]);
    assert.equal(await rejected(p1.id, '10.0.0.2'), true, 'a person has one budget on every address');
    // Five per address, however many people it holds: a new identity buys no more.
    takes.length = 0;
    for (const p of [p2, p2, p3, p3, p4, p4]) takes.push(await rejected(p.id, '10.0.0.3'));
    assert.deepEqual(takes, [false, false, false, false, false, true]);
    assert.equal(await rejected(p4.id, '10.0.0.4'), false, 'another address has its own budget');
  });
});
