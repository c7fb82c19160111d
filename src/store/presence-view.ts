// This instance's copy of who is present, room by room, for reads that must not wait for Redis
// (fan-out, whisper targets, entry rules). Each copy carries the version Redis gave it; an older
// answer arriving late never replaces a newer one.
import type { Person } from '../shared/protocol.js';

interface RoomView {
  version: number;
  members: Person[];
}

interface StoredMember {
  p: Person;
  t: number;
}

export class PresenceView {
  private readonly rooms = new Map<string, RoomView>();

  /** Applies a snapshot {version, member JSON...} as a script returned it, unless it is older than what is held. */
  apply(roomId: string, reply: unknown[]): void {
    const version = Number(reply[0]);
    const held = this.rooms.get(roomId);
    if (held && held.version > version) return;
    const members = reply
      .slice(1)
      .map((json) => JSON.parse(String(json)) as StoredMember)
      .sort((a, b) => a.t - b.t)
      .map((m) => m.p);
    this.rooms.set(roomId, { version, members });
  }

  /** Accept whatever Redis says next (it restarted, and its versions start again from zero). */
  resetVersions(): void {
    for (const view of this.rooms.values()) view.version = -1;
  }

  roomIds(): string[] {
    return [...this.rooms.keys()];
  }

  has(roomId: string, personId: string): boolean {
    return this.members(roomId).some((p) => p.id === personId);
  }

  count(roomId: string): number {
    return this.members(roomId).length;
  }

  members(roomId: string): Person[] {
    return [...(this.rooms.get(roomId)?.members ?? [])];
  }

  roomsOf(personId: string): string[] {
    return [...this.rooms].filter(([, view]) => view.members.some((p) => p.id === personId)).map(([id]) => id);
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }
}
