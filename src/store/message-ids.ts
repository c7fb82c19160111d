// Message ids that only grow. Catch-up asks for `_id > after`, so an id smaller than one already
// handed out would be skipped. A bson ObjectId is a 4-byte timestamp in seconds, 5 bytes fixed per
// process and a 3-byte counter that wraps at 2^24: when the clock steps back, or the counter wraps
// within one second, a fresh ObjectId is smaller than the last. Such an id is replaced by the last
// one plus one: still 12 bytes in the ObjectId layout, above everything before it, and its
// timestamp part stays where the last id's was until the clock catches up.
import { ObjectId } from 'bson';

export interface IdSource {
  /** A new id (24 hex digits) greater than every id this source made or was seeded with. */
  next(): string;
  /** Makes every later id greater than `hex` (e.g. the newest id already stored). */
  seed(hex: string): void;
}

/** `fresh` makes a candidate ObjectId's 12 bytes; bson's own generator by default. */
export function monotonicIds(fresh: () => Uint8Array = () => ObjectId.generate()): IdSource {
  let last: Buffer | undefined;
  return {
    next() {
      const candidate = Buffer.from(fresh());
      last = last && Buffer.compare(candidate, last) <= 0 ? plusOne(last) : candidate;
      return last.toString('hex');
    },
    seed(hex) {
      const seen = Buffer.from(hex, 'hex');
      if (seen.length !== 12) throw new Error(`not an ObjectId: ${hex}`);
      if (!last || Buffer.compare(seen, last) > 0) last = seen;
    },
  };
}

/** The 12 bytes read as one big-endian number, plus one. */
function plusOne(id: Buffer): Buffer {
  const out = Buffer.from(id);
  for (let i = out.length - 1; i >= 0; i--) {
    const byte = out.readUInt8(i);
    if (byte === 0xff) {
      out[i] = 0;
      continue;
    }
    out[i] = byte + 1;
    return out;
  }
  throw new Error('ObjectId space exhausted');
}
