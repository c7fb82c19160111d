// Message ids that only grow. Catch-up asks for `_id > after`, so an id smaller than one already
// handed out would be skipped. A bson ObjectId is a 4-byte timestamp in seconds, 5 bytes fixed per
// process and a 3-byte counter that wraps at 2^24: when the clock steps back, the counter wraps
// within one second, or the newest stored id (seeded at start) came from another instance whose
// fixed bytes sort above ours, a fresh ObjectId is not above the last. Such an id is replaced by
// the next one in this process's own series: the last id's timestamp with this process's fixed
// bytes and the next count, or, when the last id came from another process, the second after it.
// Never the other process's id plus one: that is the very id it hands out next (two instances
// once gave two messages one id, and the second was taken for a retry of the first).
import { ObjectId } from 'bson';

export interface IdSource {
  /** A new id (24 hex digits) greater than every id this source made or was seeded with. */
  next(): string;
  /** Makes every later id greater than `hex` (e.g. the newest id already stored). */
  seed(hex: string): void;
}

const FIXED = { start: 4, end: 9 } as const;
const MAX_COUNT = 0xffffff;

/** `fresh` makes a candidate ObjectId's 12 bytes; bson's own generator by default. */
export function monotonicIds(fresh: () => Uint8Array = () => ObjectId.generate()): IdSource {
  let last: Buffer | undefined;
  return {
    next() {
      const candidate = Buffer.from(fresh());
      last = last && Buffer.compare(candidate, last) <= 0 ? nextInOwnSeries(last, candidate) : candidate;
      return last.toString('hex');
    },
    seed(hex) {
      const seen = Buffer.from(hex, 'hex');
      if (seen.length !== 12) throw new Error(`not an ObjectId: ${hex}`);
      if (!last || Buffer.compare(seen, last) > 0) last = seen;
    },
  };
}

/**
 * An id above `last` in this process's own series (its fixed bytes taken from `own`, a fresh id):
 * the next count in the same second when `last` is this process's, else the second after.
 */
function nextInOwnSeries(last: Buffer, own: Buffer): Buffer {
  const out = Buffer.from(last);
  const ours = last.subarray(FIXED.start, FIXED.end).equals(own.subarray(FIXED.start, FIXED.end));
  const count = ours ? last.readUIntBE(FIXED.end, 3) + 1 : 0;
  if (!ours || count > MAX_COUNT) {
    const seconds = last.readUInt32BE(0) + 1;
    if (seconds > 0xffffffff) throw new Error('ObjectId space exhausted');
    out.writeUInt32BE(seconds, 0);
  }
  own.copy(out, FIXED.start, FIXED.start, FIXED.end);
  out.writeUIntBE(count > MAX_COUNT ? 0 : count, FIXED.end, 3);
  return out;
}
