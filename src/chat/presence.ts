// Who is in which room right now, counted per person (one person may have several tabs open).
// A person whose last connection closes stays present for a grace period, so a page reload does
// not announce a leave and a join.
import type { Person } from '../store/room-repository.js';

interface Entry {
  person: Person;
  connections: number;
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
  join(roomId: string, person: Person): boolean {
    let members = this.rooms.get(roomId);
    if (!members) this.rooms.set(roomId, (members = new Map()));
    const entry = members.get(person.id);
    if (entry) {
      entry.connections += 1;
      entry.person = person;
      if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
      entry.leaveTimer = undefined;
      return false;
    }
    members.set(person.id, { person, connections: 1, joinedAt: Date.now(), leaveTimer: undefined });
    return true;
  }

  /** Removes a connection; the person is gone once the grace period passes with none left. */
  leave(roomId: string, personId: string): void {
    const entry = this.rooms.get(roomId)?.get(personId);
    if (!entry || entry.connections === 0) return;
    entry.connections -= 1;
    if (entry.connections > 0) return;
    entry.leaveTimer = setTimeout(() => this.drop(roomId, personId), this.graceMs);
    entry.leaveTimer.unref();
  }

  private drop(roomId: string, personId: string): void {
    const members = this.rooms.get(roomId);
    const entry = members?.get(personId);
    if (!members || !entry || entry.connections > 0) return;
    members.delete(personId);
    if (members.size === 0) this.rooms.delete(roomId);
    this.onGone(roomId, entry.person);
  }

  /** Removes a person at once, without a grace period and without announcing them as gone. */
  evict(roomId: string, personId: string): Person | undefined {
    const members = this.rooms.get(roomId);
    const entry = members?.get(personId);
    if (!members || !entry) return undefined;
    if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
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
    for (const entry of this.rooms.get(roomId)?.values() ?? []) {
      if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
    }
    this.rooms.delete(roomId);
  }

  close(): void {
    for (const roomId of [...this.rooms.keys()]) this.forget(roomId);
  }
}
