// Presence in this process's memory (the default, without REDIS_URL): `Presence` behind the
// `PresenceStore` interface. Every change is done before the returned promise is made, so a join's
// checks and its seat are one step, as nothing else runs in between.
import type { Person } from '../shared/protocol.js';
import { Presence } from './presence.js';
import type { JoinOutcome, PresenceStore, SeatRules } from './presence-store.js';
import { nameKeys, namesCollide } from './text-hygiene.js';

export class MemoryPresenceStore implements PresenceStore {
  private readonly presence: Presence;

  constructor(graceMs: number, onGone: (roomId: string, person: Person) => void) {
    this.presence = new Presence(graceMs, onGone);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  join(roomId: string, person: Person, connectionId: string, rules: SeatRules): Promise<JoinOutcome> {
    return Promise.resolve(this.joinNow(roomId, person, connectionId, rules));
  }

  private joinNow(roomId: string, person: Person, connectionId: string, rules: SeatRules): JoinOutcome {
    if (!this.presence.has(roomId, person.id)) {
      const count = this.presence.count(roomId);
      if (rules.max !== null && count >= rules.max) return { refused: 'full', count };
      const twin = rules.checkNames ? this.twinOf(roomId, person.id, rules.nameKeys) : undefined;
      if (twin) return { refused: 'conflict', nickname: twin.nickname };
    }
    return { joined: true, first: this.presence.join(roomId, person, connectionId) };
  }

  leave(roomId: string, personId: string, connectionId: string): Promise<void> {
    this.presence.leave(roomId, personId, connectionId);
    return Promise.resolve();
  }

  undoJoin(roomId: string, personId: string, connectionId: string): Promise<void> {
    this.presence.undoJoin(roomId, personId, connectionId);
    return Promise.resolve();
  }

  /** Bans are RoomAccess's to remember in this process; here the person just goes. */
  evict(roomId: string, personId: string): Promise<Person | undefined> {
    return Promise.resolve(this.presence.evict(roomId, personId));
  }

  rename(person: Person, keys: readonly [string, string]): Promise<{ conflict: string } | undefined> {
    for (const roomId of this.presence.roomsOf(person.id)) {
      const twin = this.twinOf(roomId, person.id, keys);
      if (twin) return Promise.resolve({ conflict: twin.nickname });
    }
    this.presence.update(person);
    return Promise.resolve(undefined);
  }

  forget(roomId: string): Promise<void> {
    this.presence.forget(roomId);
    return Promise.resolve();
  }

  reconcile(isLive: (connectionId: string) => boolean): void {
    this.presence.reconcile(isLive);
  }

  has(roomId: string, personId: string): boolean {
    return this.presence.has(roomId, personId);
  }

  count(roomId: string): number {
    return this.presence.count(roomId);
  }

  members(roomId: string): Person[] {
    return this.presence.members(roomId);
  }

  roomsOf(personId: string): string[] {
    return this.presence.roomsOf(personId);
  }

  close(): Promise<void> {
    this.presence.close();
    return Promise.resolve();
  }

  private twinOf(roomId: string, personId: string, mine: readonly [string, string]): Person | undefined {
    return this.presence.members(roomId).find((m) => m.id !== personId && namesCollide(nameKeys(m.nickname), mine));
  }
}
