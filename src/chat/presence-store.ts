// What the chat asks of presence, wherever it lives: this process's memory (`MemoryPresenceStore`
// over `Presence`), or Redis shared by every instance (src/store/redis-presence.ts, chosen in
// src/server.ts). Changes are async and the join is one atomic step that re-checks the seat and
// the name (so two instances racing for the last seat cannot both win); reads are synchronous, from
// a view the store keeps current, because fan-out, whispers and the entry rules ask them all the time.
import type { Person } from '../shared/protocol.js';

/** What the join must still check for this person, atomically with taking the seat. */
export interface SeatRules {
  /** Seats in the room; null lets the person in past a full room (the owner). */
  max: number | null;
  /** The person's name keys (text-hygiene `nameKeys`), stored with them and compared with everyone's. */
  nameKeys: readonly [string, string];
  /** Whether a look-alike name refuses this person (not the owner). */
  checkNames: boolean;
}

export type JoinOutcome =
  /** In; `first` when they were not present before (a real join, announced). */
  | { joined: true; first: boolean }
  | { refused: 'full'; count: number }
  | { refused: 'conflict'; nickname: string }
  /** Removed by the owner, as another instance recorded a moment ago. */
  | { refused: 'banned' };

export interface PresenceStore {
  /** Prepares the view (the shared store reads who is present); before anything else is asked. */
  start(): Promise<void>;
  join(roomId: string, person: Person, connectionId: string, rules: SeatRules): Promise<JoinOutcome>;
  /** Removes a connection; the person is gone (onGone, once) after the grace period with none left. */
  leave(roomId: string, personId: string, connectionId: string): Promise<void>;
  /** Takes back a join that could not be stored: the person goes at once, unannounced, if it was their only connection. */
  undoJoin(roomId: string, personId: string, connectionId: string): Promise<void>;
  /** Removes a person at once and unannounced; with `ban`, they cannot join again (the owner kicked them). */
  evict(roomId: string, personId: string, opts?: { ban?: boolean }): Promise<Person | undefined>;
  /**
   * Gives a person new details where they are present, unless someone else there has a name that
   * looks the same: then nothing changes and that name is returned.
   */
  rename(person: Person, nameKeys: readonly [string, string]): Promise<{ conflict: string } | undefined>;
  /** The room was deleted: forget it without announcing anyone. */
  forget(roomId: string): Promise<void>;
  /** Removes, as if they had left, this process's connections that are no longer live. */
  reconcile(isLive: (connectionId: string) => boolean): void;
  has(roomId: string, personId: string): boolean;
  count(roomId: string): number;
  /** Members in the order they arrived. */
  members(roomId: string): Person[];
  roomsOf(personId: string): string[];
  close(): Promise<void>;
}

/** Builds a store; `onGone` runs once per person whose grace period ended, on one instance. */
export type PresenceFactory = (graceMs: number, onGone: (roomId: string, person: Person) => void) => PresenceStore;
