// The connections this instance holds in the shared presence, room by room: what the reconcile
// checks against the live sockets, what a failed leave retries, and what is written back when
// Redis lost everything (restarted empty).
import type { Person } from '../shared/protocol.js';

export type Keys = readonly [string, string];

/** In the room; a leave under way; or a leave (or join) whose outcome Redis never gave: to leave again. */
export type PlaceState = 'in' | 'leaving' | 'failed';

export interface OwnConnection {
  person: Person;
  keys: Keys;
  rooms: Map<string, PlaceState>;
}

export class OwnConnections {
  private readonly byId = new Map<string, OwnConnection>();

  /** The connection's entry, made if new, with the person's latest details. */
  entry(connectionId: string, person: Person, keys: Keys): OwnConnection {
    let own = this.byId.get(connectionId);
    if (!own) this.byId.set(connectionId, (own = { person, keys, rooms: new Map() }));
    own.person = person;
    own.keys = keys;
    return own;
  }

  get(connectionId: string): OwnConnection | undefined {
    return this.byId.get(connectionId);
  }

  /** The connection is no longer in the room (the entry goes with its last room). */
  drop(connectionId: string, roomId: string): void {
    const own = this.byId.get(connectionId);
    own?.rooms.delete(roomId);
    if (own?.rooms.size === 0) this.byId.delete(connectionId);
  }

  /** Every connection of this person leaves the room here (they were removed from it). */
  dropPerson(personId: string, roomId: string): void {
    for (const [id, own] of this.byId) if (own.person.id === personId) this.drop(id, roomId);
  }

  dropRoom(roomId: string): void {
    for (const id of [...this.byId.keys()]) this.drop(id, roomId);
  }

  renamed(person: Person, keys: Keys): void {
    for (const own of this.byId.values()) {
      if (own.person.id !== person.id) continue;
      own.person = person;
      own.keys = keys;
    }
  }

  /** [connection id, entry, room, state] for every place held. */
  *places(): Generator<[string, OwnConnection, string, PlaceState]> {
    for (const [id, own] of this.byId) for (const [roomId, state] of own.rooms) yield [id, own, roomId, state];
  }
}
