// One connection's authentication state: who it is logged in as, its SCRAM conversation in
// progress (one at most, with a deadline), and how many times it failed to authenticate.
import type { RoleRef } from './user-store.js';
import type { ScramConversation } from './scram.js';

/** A conversation not finished within this is forgotten (the driver needs two round trips). */
export const CONVERSATION_MS = 10_000;
/** After this many failed authentications the connection is closed. */
export const MAX_AUTH_FAILURES = 5;

export interface AuthenticatedUser {
  user: string;
  db: string;
  roles: RoleRef[];
}

interface Pending {
  id: number;
  db: string;
  scram: ScramConversation;
  startedAt: number;
  skipEmptyExchange: boolean;
  /** The proof was accepted; only the empty closing exchange is left. */
  proved: boolean;
}

export class ConnectionAuth {
  user: AuthenticatedUser | undefined;
  failures = 0;
  private pending: Pending | undefined;
  private nextId = 1;

  get exhausted(): boolean {
    return this.failures >= MAX_AUTH_FAILURES;
  }

  begin(db: string, scram: ScramConversation, skipEmptyExchange: boolean): number {
    const id = this.nextId++;
    this.pending = { id, db, scram, startedAt: Date.now(), skipEmptyExchange, proved: false };
    return id;
  }

  /** The live conversation with this id, or undefined (none, another one, or too old). */
  conversation(id: unknown): Pending | undefined {
    const p = this.pending;
    if (!p || p.id !== id) return undefined;
    if (Date.now() - p.startedAt > CONVERSATION_MS) {
      this.pending = undefined;
      return undefined;
    }
    return p;
  }

  end(): void {
    this.pending = undefined;
  }

  failed(): void {
    this.failures++;
    this.pending = undefined;
  }

  logout(): void {
    this.user = undefined;
    this.pending = undefined;
  }
}
