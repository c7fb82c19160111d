// Who is in which room right now. A person may have several connections (tabs) in a room; each is
// tracked by its own id, so removing one twice, or removing one that a failed join never finished
// adding, changes nothing. A person whose last connection goes stays present for a grace period,
// so a page reload does not announce a leave and a join.
import type { Person } from '../shared/protocol.js';

interface Entry {
  person: Person;
  connections: Set<string>;
  joinedAt: number;
  leaveTimer: NodeJS.Timeout | undefined;
}

export class Presence {
  private readonly rooms = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly graceMs: number,
    private readonly onGone: (roomId: string, person: Person) => void,
  ) {}

  /** Adds a connection; true when the person was not present before (a real join). */
  join(roomId: string, person: Person, connectionId: string): boolean {
    let members = this.rooms.get(roomId);
    if (!members) this.rooms.set(roomId, (members = new Map<string, Entry>()));
    const entry = members.get(person.id);
    if (entry) {
      entry.connections.add(connectionId);
      entry.person = person;
      this.stopLeaving(entry);
      return false;
    }
    members.set(person.id, {
      person,
      connections: new Set([connectionId]),
      joinedAt: Date.now(),
      leaveTimer: undefined,
    });
    return true;
  }

  /** Removes a connection; the person is gone once the grace period passes with none left. */
  leave(roomId: string, personId: string, connectionId: string): void {
    const entry = this.rooms.get(roomId)?.get(personId);
    if (!entry?.connections.delete(connectionId) || entry.connections.size > 0) return;
    entry.leaveTimer = setTimeout(() => this.drop(roomId, personId), this.graceMs);
    entry.leaveTimer.unref();
  }

  /**
   * Takes back a join that could not be completed (its announcement was not stored): the
   * connection goes, and if it was the person's only one they go at once and unannounced, as
   * if they had never come.
   */
  undoJoin(roomId: string, personId: string, connectionId: string): void {
    const entry = this.rooms.get(roomId)?.get(personId);
    if (!entry) return;
    entry.connections.delete(connectionId);
    if (entry.connections.size === 0) this.evict(roomId, personId);
  }

  /**
   * The safety net under every join and leave: a connection that is no longer live is removed as
   * if it had left, so nobody stays present without one for longer than the grace period.
   */
  reconcile(isLive: (connectionId: string) => boolean): void {
    for (const [roomId, members] of this.rooms) {
      for (const [personId, entry] of members) {
        for (const connectionId of [...entry.connections]) {
          if (!isLive(connectionId)) this.leave(roomId, personId, connectionId);
        }
      }
    }
  }

  private stopLeaving(entry: Entry): void {
    if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
    entry.leaveTimer = undefined;
  }

  private drop(roomId: string, personId: string): void {
    const members = this.rooms.get(roomId);
    const entry = members?.get(personId);
    if (!members || !entry || entry.connections.size > 0) return;
    members.delete(personId);
    if (members.size === 0) this.rooms.delete(roomId);
    this.onGone(roomId, entry.person);
  }

  /** Removes a person at once, without a grace period and without announcing them as gone. */
  evict(roomId: string, personId: string): Person | undefined {
    const members = this.rooms.get(roomId);
    const entry = members?.get(personId);
    if (!members || !entry) return undefined;
    this.stopLeaving(entry);
    members.delete(personId);
    if (members.size === 0) this.rooms.delete(roomId);
    return entry.person;
  }

  has(roomId: string, personId: string): boolean {
    return this.rooms.get(roomId)?.has(personId) ?? false;
  }

  count(roomId: string): number {
    return this.rooms.get(roomId)?.size ?? 0;
  }

  /** Members in the order they arrived. */
  members(roomId: string): Person[] {
    const members = this.rooms.get(roomId);
    if (!members) return [];
    return [...members.values()].sort((a, b) => a.joinedAt - b.joinedAt).map((e) => e.person);
  }

  /** Rooms this person is present in. */
  roomsOf(personId: string): string[] {
    return [...this.rooms].filter(([, members]) => members.has(personId)).map(([roomId]) => roomId);
  }

  /** Replaces a person's details (a new nickname) wherever they are present. */
  update(person: Person): void {
    for (const members of this.rooms.values()) {
      const entry = members.get(person.id);
      if (entry) entry.person = person;
    }
  }

  /** Forgets a room entirely (it was deleted) without announcing anyone. */
  forget(roomId: string): void {
    for (const entry of this.rooms.get(roomId)?.values() ?? []) this.stopLeaving(entry);
    this.rooms.delete(roomId);
  }

  close(): void {
    for (const roomId of [...this.rooms.keys()]) this.forget(roomId);
  }
}
