// The newest messages of rooms read lately, kept in memory so that opening a room (its latest
// page) needs no database read. A read costs two thread hops and a BSON decode of every message
// on each side; on a busy two-core machine its p99 is several times its median, and opening a
// room is the read everyone makes.
//
// An entry is exact or it is dropped. It is filled from one database read of the room's newest
// records (taken away or not, whispers and the records of deletions included), then follows the
// room's messages as this process delivers them (room-order.ts: in place order, each once). It is
// dropped whenever it cannot account for a place: a delivered place that is not the next one, a
// place below its newest that it does not hold, the room's cursor moving past it without a
// delivery (a place given up on, the cursor set from the database). A read with a gap in it (a
// place still being written, or given up on) is not kept at all. Entries also expire, so nothing
// unforeseen can keep a page wrong for long.
//
// A message this process stored is acknowledged to its sender before it comes back round for
// delivery when instances share Redis; until it has, that room's latest page is read from the
// database, so a sender who asks for the page after the acknowledgement finds their message.
import type { MessageView } from '../shared/protocol.js';
import type { Page } from './message-service.js';

/** Rooms kept; the least recently read goes first. */
const MAX_ROOMS = 256;
/** Records kept per room: two default pages, or one of the largest (100) and room for whispers. */
export const KEEP = 120;
/** An entry is read from the database again after this long. */
const MAX_AGE_MS = 60_000;

/** A stored record as an entry holds it: what clients see, and whether it was taken away. */
export interface HeldRecord {
  view: MessageView;
  deleted: boolean;
}

interface Entry {
  /** Oldest first, by place; every place from the first to `newest` is here (or was never filled). */
  records: HeldRecord[];
  newest: number;
  /** Nothing older than `records[0]` exists in the room. */
  complete: boolean;
  filledAt: number;
}

const shown = (r: HeldRecord) => !r.deleted && r.view.kind !== 'delete';
const visibleTo = (viewerId: string, v: MessageView) =>
  v.to === null || v.author?.id === viewerId || v.to.id === viewerId;

/**
 * The newest page of `records` (oldest first) as `viewerId` may see it, or undefined when they
 * hold too few of the viewer's messages to know (older ones, not held, may be on the page).
 */
export function newestPage(
  records: readonly HeldRecord[],
  complete: boolean,
  viewerId: string,
  n: number,
): Page | undefined {
  const out: MessageView[] = [];
  for (let i = records.length - 1; i >= 0 && out.length <= n; i--) {
    const r = records[i]!; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- i is in range
    if (shown(r) && visibleTo(viewerId, r.view)) out.push(r.view);
  }
  const hasMore = out.length > n;
  if (!hasMore && !complete) return undefined;
  return { messages: out.slice(0, n).reverse(), hasMore };
}

/** No place between the first and the last record is missing. */
function contiguous(records: readonly HeldRecord[]): boolean {
  return records.every((r, i) => i === 0 || r.view.seq === records[i - 1]!.view.seq + 1); // eslint-disable-line @typescript-eslint/no-non-null-assertion -- i > 0
}

export class NewestMessages {
  private readonly rooms = new Map<string, Entry>();
  /** The newest place this process stored in each room lately (bounded as `rooms`, times four). */
  private readonly storedHere = new Map<string, number>();

  /**
   * @param cursor the last place this process delivered in a room (room-order.ts): an entry
   * whose newest place is below it missed something.
   */
  constructor(
    private readonly cursor: (roomId: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The room's latest page for `viewerId` from memory, or undefined (not held, or not enough). */
  page(roomId: string, viewerId: string, n: number): Page | undefined {
    const entry = this.rooms.get(roomId);
    if (!entry) return undefined;
    if (this.cursor(roomId) > entry.newest || this.now() - entry.filledAt > MAX_AGE_MS) {
      this.rooms.delete(roomId);
      return undefined;
    }
    if (!this.holdsStored(roomId, entry.newest)) return undefined;
    this.rooms.delete(roomId);
    this.rooms.set(roomId, entry);
    return newestPage(entry.records, entry.complete, viewerId, n);
  }

  /**
   * Keeps the room's newest records as just read (oldest first; `complete` when the read found
   * fewer than it asked for), unless they have a gap or this process has delivered past them.
   */
  fill(roomId: string, records: HeldRecord[], complete: boolean): void {
    const newest = records.at(-1)?.view.seq ?? 0;
    if (!contiguous(records) || this.cursor(roomId) > newest) return;
    if (complete && records.length > 0 && records[0]!.view.seq !== 1) return; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- length > 0
    this.rooms.delete(roomId);
    this.rooms.set(roomId, { records, newest, complete, filledAt: this.now() });
    if (this.rooms.size > MAX_ROOMS) {
      const oldest = this.rooms.keys().next().value;
      if (oldest !== undefined) this.rooms.delete(oldest);
    }
  }

  /** A message this process delivered in its room's order. */
  delivered(view: MessageView): void {
    const entry = this.rooms.get(view.roomId);
    if (!entry) return;
    if (!this.takeIn(entry, view)) {
      this.rooms.delete(view.roomId);
      return;
    }
    if (view.kind === 'delete') {
      const target = entry.records.find((r) => r.view.id === view.deletes);
      if (target) target.deleted = true;
    }
  }

  /** Adds the next place to `entry`; false when `view` is not the next place nor one it holds. */
  private takeIn(entry: Entry, view: MessageView): boolean {
    if (view.seq <= entry.newest) {
      // Read before it was delivered here: it must be the record held at its place.
      const first = entry.records[0]?.view.seq ?? entry.newest + 1;
      return view.seq >= first && entry.records[view.seq - first]?.view.id === view.id;
    }
    if (view.seq !== entry.newest + 1) return false;
    entry.records.push({ view, deleted: false });
    entry.newest = view.seq;
    if (entry.records.length > KEEP) {
      entry.records.splice(0, entry.records.length - KEEP);
      entry.complete = false;
    }
    return true;
  }

  /** This process stored place `seq` in the room (and is about to acknowledge it). */
  stored(roomId: string, seq: number): void {
    if (seq <= (this.storedHere.get(roomId) ?? 0)) return;
    this.storedHere.delete(roomId);
    this.storedHere.set(roomId, seq);
    if (this.storedHere.size > MAX_ROOMS * 4) {
      const oldest = this.storedHere.keys().next().value;
      if (oldest !== undefined) this.storedHere.delete(oldest);
    }
  }

  /** Everything this process stored in the room is at or below place `newest`. */
  holdsStored(roomId: string, newest: number): boolean {
    return (this.storedHere.get(roomId) ?? 0) <= newest;
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId);
    this.storedHere.delete(roomId);
  }
}
