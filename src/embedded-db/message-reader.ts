// Reassembles length-prefixed wire messages from TCP chunks in linear time. Chunks are kept in a
// list and concatenated once, when the whole declared message is there: concatenating on every
// chunk made one connection streaming a 48 MB message copy gigabytes and stall everyone else.
import { checkLength } from './wire-protocol.js';

export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Declared length of the message being read, once its first 4 bytes are in. */
  private declared: number | undefined;

  /** True while part of a message has arrived but not all of it. */
  get partial(): boolean {
    return this.buffered > 0;
  }

  /** Adds a chunk and returns the messages it completed; throws ProtocolError on a bad declared length. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const complete: Buffer[] = [];
    for (;;) {
      if (this.declared === undefined) {
        if (this.buffered < 4) break;
        let head = this.chunks[0];
        if (!head || head.length < 4) {
          head = Buffer.concat(this.chunks, this.buffered);
          this.chunks = [head];
        }
        // Checked before buffering any more of it, so an oversized message is refused at once.
        this.declared = checkLength(head.readInt32LE(0));
      }
      if (this.buffered < this.declared) break;
      const first = this.chunks[0];
      const all = first && this.chunks.length === 1 ? first : Buffer.concat(this.chunks, this.buffered);
      complete.push(all.subarray(0, this.declared));
      const rest = all.subarray(this.declared);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.declared = undefined;
    }
    return complete;
  }
}
