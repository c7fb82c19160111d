// Delivers each room's messages in place order (`seq`, see room-sequence.ts), each once, whatever
// order they arrive in. One process publishes in order; instances sharing Redis publish
// concurrently, so a message may arrive before one with a lower place. It is held until the
// lower ones arrive. A place that stays empty (its write failed, its instance died, a publish was
// lost while Redis restarted) is looked up in the database after `gapMs`, and given up on after
// `giveUpMs`; a message that turns up after its place was given up on is still delivered, late.
//
// The cursor of a room is the last place delivered here: every place at or below it has been
// delivered (or given up on) and every place above it will be. That makes catch-up exact on any
// instance: what was stored after the client's last message and up to the cursor, then live.
import type { MessageView } from '../shared/protocol.js';
import { lastSeq, messagesAt } from '../store/message-reads.js';
import { toMessageView } from './views.js';

export interface RoomOrderOptions {
  /** How long a gap may stay before the database is asked for the missing places. */
  gapMs: number;
  /** How long a gap may stay before its places are given up on. */
  giveUpMs: number;
  onError: (err: unknown) => void;
}

/** Messages held behind one gap; past this many the gap is given up on at once. */
const MAX_HELD = 10_000;
/** Given-up places remembered per room, so a late arrival is delivered once. */
const MAX_SKIPPED = 1_000;

interface RoomState {
  cursor: number | undefined;
  ready: Promise<void> | undefined;
  /** Arrived above a gap; null for a place its writer said will stay empty. */
  held: Map<number, MessageView | null>;
  skipped: Set<number>;
  gapSince: number;
  timer: NodeJS.Timeout | undefined;
}

export class RoomOrder {
  private readonly rooms = new Map<string, RoomState>();
  private closed = false;

  constructor(
    private readonly deliver: (message: MessageView) => void,
    private readonly opts: RoomOrderOptions,
  ) {}

  /** Resolves once the room's cursor is known; `cursor` may be read from then on. */
  ready(roomId: string): Promise<void> {
    const room = this.state(roomId);
    if (room.cursor !== undefined) return Promise.resolve();
    return (room.ready ??= lastSeq(roomId).then(
      (stored) => {
        // Everything stored by now is history; what arrives above it is live.
        const cursor = Math.max(stored, room.cursor ?? 0);
        room.cursor = cursor;
        for (const seq of [...room.held.keys()]) if (seq <= cursor) room.held.delete(seq);
        this.flush(roomId, room);
      },
      (err: unknown) => {
        room.ready = undefined;
        throw err;
      },
    ));
  }

  /** The last place delivered in the room (after `ready`). */
  cursor(roomId: string): number {
    return this.rooms.get(roomId)?.cursor ?? 0;
  }

  accept(message: MessageView): void {
    this.take(message.roomId, message.seq, message);
  }

  /** The writer of place `seq` says it will stay empty (a duplicate, a refused write). */
  skip(roomId: string, seq: number): void {
    this.take(roomId, seq, null);
  }

  private take(roomId: string, seq: number, message: MessageView | null): void {
    const room = this.state(roomId);
    if (room.cursor === undefined && room.ready === undefined) {
      // The first message seen in a room nobody here has joined: delivery starts with it. A lower
      // place that turns up later was never delivered here, so it still is, late.
      room.cursor = seq - 1;
      for (let below = Math.max(1, seq - MAX_SKIPPED); below < seq; below++) room.skipped.add(below);
    }
    if (room.cursor !== undefined && seq <= room.cursor) {
      // At or below the cursor: delivered already, unless its place had been given up on.
      if (room.skipped.delete(seq) && message) this.deliverSafely(message);
      return;
    }
    room.held.set(seq, message);
    this.flush(roomId, room);
  }

  /** Looks for messages stored above each known cursor (after the bus reconnected). */
  resync(): void {
    for (const [roomId, room] of this.rooms) {
      if (room.cursor !== undefined) void this.fill(roomId, room, room.cursor + 1, room.cursor + 500);
    }
  }

  forget(roomId: string): void {
    clearTimeout(this.rooms.get(roomId)?.timer);
    this.rooms.delete(roomId);
  }

  close(): void {
    this.closed = true;
    for (const room of this.rooms.values()) clearTimeout(room.timer);
  }

  private state(roomId: string): RoomState {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = {
        cursor: undefined,
        ready: undefined,
        held: new Map(),
        skipped: new Set(),
        gapSince: 0,
        timer: undefined,
      };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private flush(roomId: string, room: RoomState): void {
    if (room.cursor === undefined) return;
    let next: MessageView | null | undefined;
    while ((next = room.held.get(room.cursor + 1)) !== undefined) {
      room.held.delete(room.cursor + 1);
      room.cursor += 1;
      if (next) this.deliverSafely(next);
    }
    if (room.held.size === 0) {
      clearTimeout(room.timer);
      room.timer = undefined;
      return;
    }
    if (room.held.size > MAX_HELD) {
      this.giveUp(roomId, room);
      return;
    }
    if (room.timer) return;
    room.gapSince = Date.now();
    this.arm(roomId, room, this.opts.gapMs);
  }

  private arm(roomId: string, room: RoomState, ms: number): void {
    if (this.closed) return;
    room.timer = setTimeout(() => {
      room.timer = undefined;
      void this.onGap(roomId, room);
    }, ms);
    room.timer.unref();
  }

  private async onGap(roomId: string, room: RoomState): Promise<void> {
    if (room.cursor === undefined || room.held.size === 0) return;
    const from = room.cursor + 1;
    const to = Math.min(...room.held.keys()) - 1;
    await this.fill(roomId, room, from, to);
    // The fill may have closed the gap (and a new one may have armed its own timer meanwhile).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- changed while awaiting
    if (room.cursor === undefined || room.held.size === 0 || room.timer) return;
    if (Date.now() - room.gapSince >= this.opts.giveUpMs) this.giveUp(roomId, room);
    else this.arm(roomId, room, this.opts.gapMs);
  }

  /** Reads places `from`…`to` from the database and takes what it finds as if it had arrived. */
  private async fill(roomId: string, room: RoomState, from: number, to: number): Promise<void> {
    if (to < from) return;
    try {
      const found = await messagesAt(roomId, from, to);
      if (this.rooms.get(roomId) !== room) return;
      for (const record of found) this.accept(toMessageView(record));
    } catch (err) {
      this.opts.onError(err);
    }
  }

  /** The empty places below the first held message are given up on; delivery goes on past them. */
  private giveUp(roomId: string, room: RoomState): void {
    if (room.cursor === undefined) return;
    const first = Math.min(...room.held.keys());
    for (let seq = Math.max(room.cursor + 1, first - MAX_SKIPPED); seq < first; seq++) room.skipped.add(seq);
    while (room.skipped.size > MAX_SKIPPED) {
      const oldest = room.skipped.values().next().value;
      if (oldest === undefined) break;
      room.skipped.delete(oldest);
    }
    room.cursor = first - 1;
    clearTimeout(room.timer);
    room.timer = undefined;
    this.flush(roomId, room);
  }

  private deliverSafely(message: MessageView): void {
    try {
      this.deliver(message);
    } catch (err) {
      // One failing listener must not stop a room's delivery.
      this.opts.onError(err);
    }
  }
}
