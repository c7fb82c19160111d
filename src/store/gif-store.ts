// Where uploaded GIFs live, behind one small interface: local disk for one process (the default),
// the database's GridFS when several instances share no disk. Names are made by the server
// (never taken from a user); a store refuses any other name rather than looking it up.
import type { Readable } from 'node:stream';

/** A stored GIF: its size, and its bytes from `start` to `end` inclusive (the whole file by default). */
export interface StoredGif {
  size: number;
  read(range?: { start: number; end: number }): Readable;
}

export interface GifStore {
  /** Where uploads are written while their bytes are checked (the disk store keeps them there). */
  readonly scratchDir: string;
  /** Keeps the checked file at `tempPath` as `name` (a GIF, or its still or WebP); the temporary file is gone afterwards. */
  save(tempPath: string, name: string): Promise<void>;
  /** The GIF, still or WebP called `name`, or null when there is none (or the name is not one the server makes). */
  open(name: string): Promise<StoredGif | null>;
  /** Removes these GIFs with their stills and WebPs; names the server does not make, and files already gone, are skipped. */
  remove(names: string[]): Promise<void>;
}
