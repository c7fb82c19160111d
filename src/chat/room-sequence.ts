// Every room's messages have one order that every instance agrees on: a place (`seq`) 1, 2, 3…
// taken when the message's write batch is formed, before it is stored. Ids cannot give that
// order once several processes make them (ObjectIds from two processes interleave within a
// second). One process takes places from its own counters (LocalRoomSequence); instances sharing
// Redis take them from a counter there with one atomic step (src/store/redis-room-sequence.ts).
// Places are unique in the database ({room, seq}), so a counter that fell behind (Redis lost its
// data) can never put two messages in one place: the write is refused, the counter is raised
// above what is stored (`resync`), and the message takes a new place.
import { lastSeq } from '../store/message-reads.js';

export interface RoomSequence {
  /** Takes `count` consecutive places in each room; answers the first place taken in each. */
  take(counts: ReadonlyMap<string, number>): Promise<Map<string, number>>;
  /** Raises the room's counter above every place stored in it. */
  resync(roomId: string): Promise<void>;
  /** The room was removed: its counter goes too (else every room ever made would keep one). */
  forget(roomId: string): Promise<void>;
}

/** Places counted by this process, starting above what each room has stored. */
export class LocalRoomSequence implements RoomSequence {
  private readonly last = new Map<string, number>();

  async take(counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const firsts = new Map<string, number>();
    for (const [roomId, count] of counts) {
      let last = this.last.get(roomId);
      if (last === undefined) last = await lastSeq(roomId);
      // Another take for this room may have finished while this one read.
      last = Math.max(last, this.last.get(roomId) ?? 0);
      firsts.set(roomId, last + 1);
      this.last.set(roomId, last + count);
    }
    return firsts;
  }

  async resync(roomId: string): Promise<void> {
    const stored = await lastSeq(roomId);
    this.last.set(roomId, Math.max(stored, this.last.get(roomId) ?? 0));
  }

  forget(roomId: string): Promise<void> {
    this.last.delete(roomId);
    return Promise.resolve();
  }
}
