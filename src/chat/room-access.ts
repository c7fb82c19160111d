// Who may do what in a room. Every path asks here — socket frames and HTTP routes alike — so a
// rule cannot hold on one and be missing on the other.
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../rate-limiters.js';
import type { Person } from '../shared/protocol.js';
import type { RoomRecord } from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import type { JoinOutcome, PresenceStore, SeatRules } from './presence-store.js';
import { nameKeys, namesCollide } from './text-hygiene.js';

/** The grant keys (see `RoomAccess.grantFor`) a visitor earned with passwords, kept in their session. */
export type Grants = ReadonlySet<string>;

export interface RoomAccessOptions {
  /** Chat messages and whispers one person may send per 10 s, over the socket and HTTP together. */
  chatPer10s: number;
  /** The same for everyone from one address together: new identities do not buy more. */
  chatPerIpPer10s: number;
  /** Where the budgets count: this process's memory, or a store every instance shares. */
  limiters: LimiterFactory;
}

export class RoomAccess {
  /**
   * Bans made by this process, known the moment the owner kicks: a request that read the room
   * before the ban was stored must not slip through while the write is in flight.
   */
  private readonly bans = new Map<string, Set<string>>();
  private readonly chatPerPerson: RateLimiterAbstract;
  private readonly chatPerAddress: RateLimiterAbstract;

  constructor(
    private readonly presence: PresenceStore,
    opts: RoomAccessOptions,
  ) {
    this.chatPerPerson = opts.limiters({ name: 'chat:person', points: opts.chatPer10s, duration: 10 });
    this.chatPerAddress = opts.limiters({ name: 'chat:ip', points: opts.chatPerIpPer10s, duration: 10 });
  }

  /**
   * What a session remembers after a right password: the room and a fingerprint of its current
   * hash (salted anew on every change), so changing the password revokes every earlier grant.
   */
  grantFor(room: RoomRecord): string {
    const stamp = createHash('sha256')
      .update(room.passwordHash ?? '')
      .digest('base64url')
      .slice(0, 16);
    return `${room.id}:${stamp}`;
  }

  /** Whether the password question is answered for this visitor (public room, owner, or a grant). */
  passedPassword(room: RoomRecord, person: Person, grants: Grants): boolean {
    return room.passwordHash === null || room.owner.id === person.id || grants.has(this.grantFor(room));
  }

  /** Whether the room's page should ask this visitor for the password before anything else. */
  asksPassword(room: RoomRecord, person: Person, grants: Grants): boolean {
    return (
      !this.isBanned(room, person.id) &&
      !this.presence.has(room.id, person.id) &&
      !this.passedPassword(room, person, grants)
    );
  }

  isBanned(room: RoomRecord, personId: string): boolean {
    return room.banned.includes(personId) || this.bannedHere(room.id, personId);
  }

  /**
   * Whether a kick on this instance banned the person, stored or not yet: true from the moment the
   * owner's kick is taken, before the evicted socket has been taken out of the room.
   */
  bannedHere(roomId: string, personId: string): boolean {
    return this.bans.get(roomId)?.has(personId) ?? false;
  }

  /**
   * The one rule for reading a room, posting to it and joining it. Someone the owner removed
   * never may. Someone already in the room may (a password change lets people inside stay), and
   * so may its owner, always (or a full room, or a look-alike name, could lock them out of it).
   * Anyone else needs the password, a free seat, and a name nobody inside could take for theirs.
   */
  admit(room: RoomRecord, person: Person, grants: Grants): void {
    if (this.isBanned(room, person.id)) throw new ChatError('banned', 'The owner removed you from this room.');
    if (this.presence.has(room.id, person.id) || room.owner.id === person.id) return;
    if (!this.passedPassword(room, person, grants)) {
      throw new ChatError('forbidden', 'This room is private; enter its password first.');
    }
    const count = this.presence.count(room.id);
    if (count >= room.max) throw this.refusal(room, { refused: 'full', count });
    const mine = nameKeys(person.nickname);
    const twin = this.presence
      .members(room.id)
      .find((m) => m.id !== person.id && namesCollide(nameKeys(m.nickname), mine));
    if (twin) throw this.refusal(room, { refused: 'conflict', nickname: twin.nickname });
  }

  /**
   * What the presence store checks again in the same atomic step that takes the seat (`admit`
   * reads a view that another instance may have changed a moment ago): seats and names, except
   * for the owner, whom neither keeps out.
   */
  seatRules(room: RoomRecord, person: Person): SeatRules {
    const owner = room.owner.id === person.id;
    return { max: owner ? null : room.max, nameKeys: nameKeys(person.nickname), checkNames: !owner };
  }

  /** The error for a join the presence store refused, in the words `admit` uses. */
  refusal(room: RoomRecord, outcome: Exclude<JoinOutcome, { joined: true }>): ChatError {
    switch (outcome.refused) {
      case 'banned':
        return new ChatError('banned', 'The owner removed you from this room.');
      case 'full':
        return new ChatError('room_full', `This room is full (${outcome.count}/${room.max}).`);
      case 'conflict':
        return new ChatError(
          'conflict',
          `Someone in this room is already called ${outcome.nickname}; choose another name to enter.`,
        );
    }
  }

  /**
   * Posting needs a place in the room (its page open, a socket joined), whichever path the post
   * takes: so everyone who writes is in the member list, and the owner can remove them.
   */
  requireMember(room: RoomRecord, person: Person): void {
    if (this.isBanned(room, person.id)) throw new ChatError('banned', 'The owner removed you from this room.');
    if (!this.presence.has(room.id, person.id)) {
      throw new ChatError('not_joined', 'Open the room before posting to it: only people in the room can post.');
    }
  }

  requireOwner(room: RoomRecord, person: Person, what: string): void {
    if (room.owner.id !== person.id) throw new ChatError('forbidden', `Only the owner can ${what}.`);
  }

  /**
   * Who may take a message away: its author, and the room's owner any message but the system's
   * (which record what happened) and others' whispers (which the owner never saw).
   */
  requireMayDelete(room: RoomRecord, person: Person, message: { author: Person | null; kind: string }): void {
    if (message.author?.id === person.id) return;
    if (message.kind === 'system' || message.kind === 'whisper' || room.owner.id !== person.id) {
      throw new ChatError('forbidden', "Only its author or the room's owner can delete this message.");
    }
  }

  /** Records a ban at once; the caller stores it. */
  ban(roomId: string, personId: string): void {
    let banned = this.bans.get(roomId);
    if (!banned) this.bans.set(roomId, (banned = new Set()));
    banned.add(personId);
  }

  /** The room is gone: nothing to remember about it. */
  forget(roomId: string): void {
    this.bans.delete(roomId);
  }

  /** Counts one chat or whisper against the person's and their address's budgets, whichever path it came by. */
  async takeChat(personId: string, address: string): Promise<void> {
    try {
      // The person's own budget first: someone over it must not drain what their address shares.
      await this.chatPerPerson.consume(personId);
      await this.chatPerAddress.consume(address);
    } catch (res) {
      const ms = (res as { msBeforeNext?: number }).msBeforeNext ?? 1000;
      throw new ChatError('rate_limited', `You are sending too fast; wait ${Math.ceil(ms / 1000)} s.`, ms);
    }
  }
}
