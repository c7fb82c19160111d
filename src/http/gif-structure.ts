// Walks a GIF's blocks without decoding any pixels, to learn what a viewer's browser would have
// to allocate and decode: the logical screen, and every frame's image descriptor. A decoder sizes
// each frame by its own descriptor, not by the screen, so a 1×1 screen can carry a 20000×20000
// frame; and the frames of an animation are all decoded in turn. Reads the file once, in chunks,
// never more bytes than it has (the upload size limit bounds it), and refuses anything it cannot
// walk to its trailer: no image, a truncated block, an unknown block.
// Format: https://www.w3.org/Graphics/GIF/spec-gif89a.txt
import { open, type FileHandle } from 'node:fs/promises';

export interface GifLimits {
  /** Largest screen or single frame, in pixels. */
  maxPixels: number;
  /** Largest sum of all frames' pixels. */
  maxTotalPixels: number;
}

export interface GifStructure {
  width: number;
  height: number;
  frames: number;
  totalPixels: number;
}

/** Why a file was refused: not a (whole) GIF, or a GIF too big to show. */
export class GifProblem extends Error {
  constructor(
    readonly kind: 'invalid' | 'too_big',
    message: string,
  ) {
    super(message);
    this.name = 'GifProblem';
  }
}

const CHUNK = 64 * 1024;

/** Buffered, forward-only reads from a file: callers `need(n)` bytes, then read them synchronously. */
class Bytes {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private fileOffset = 0;
  private ended = false;

  constructor(private readonly handle: FileHandle) {}

  /** Whether `n` bytes are buffered; loads more (once per chunk, not per call) if they are not. */
  async need(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n && !this.ended) {
      const chunk = Buffer.alloc(Math.max(CHUNK, n));
      const { bytesRead } = await this.handle.read(chunk, 0, chunk.length, this.fileOffset);
      this.fileOffset += bytesRead;
      if (bytesRead === 0) this.ended = true;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk.subarray(0, bytesRead)]);
      this.pos = 0;
    }
    return this.buf.length - this.pos >= n;
  }

  has(n: number): boolean {
    return this.buf.length - this.pos >= n;
  }

  u8(): number {
    return this.buf.readUInt8(this.pos++);
  }

  u16(): number {
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  text(n: number): string {
    const v = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number): void {
    this.pos += n;
  }
}

const invalid = (message: string) => new GifProblem('invalid', message);

async function must(bytes: Bytes, n: number, what: string): Promise<void> {
  if (!bytes.has(n) && !(await bytes.need(n))) throw invalid(`That GIF is cut short (in ${what}).`);
}

/** A colour table's size from a packed flags byte, or 0 if it has none. */
const colourTableBytes = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);

/** Skips a chain of data sub-blocks (length byte, then that many bytes) up to its 0 terminator. */
async function skipSubBlocks(bytes: Bytes, what: string): Promise<void> {
  for (;;) {
    await must(bytes, 1, what);
    const length = bytes.u8();
    if (length === 0) return;
    await must(bytes, length, what);
    bytes.skip(length);
  }
}

export async function readGifStructure(file: string, limits: GifLimits): Promise<GifStructure> {
  const handle = await open(file, 'r');
  try {
    return await walk(new Bytes(handle), limits);
  } finally {
    await handle.close();
  }
}

async function walk(bytes: Bytes, limits: GifLimits): Promise<GifStructure> {
  if (!(await bytes.need(13))) throw invalid('Only GIF images can be uploaded.');
  const signature = bytes.text(6);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') throw invalid('Only GIF images can be uploaded.');
  const width = bytes.u16();
  const height = bytes.u16();
  const screenFlags = bytes.u8();
  bytes.skip(2); // background colour index, pixel aspect ratio
  if (width === 0 || height === 0) throw invalid('That GIF has no picture in it.');
  if (width * height > limits.maxPixels) {
    throw new GifProblem('too_big', `That GIF is ${width}×${height}; at most ${limits.maxPixels} pixels are allowed.`);
  }
  const globalTable = colourTableBytes(screenFlags);
  await must(bytes, globalTable, 'the colour table');
  bytes.skip(globalTable);

  let frames = 0;
  let totalPixels = 0;
  for (;;) {
    await must(bytes, 1, 'the block list; it has no end marker');
    const introducer = bytes.u8();
    if (introducer === 0x3b) break; // trailer
    if (introducer === 0x21) {
      await must(bytes, 1, 'an extension');
      bytes.skip(1); // label
      await skipSubBlocks(bytes, 'an extension');
      continue;
    }
    if (introducer !== 0x2c) {
      throw invalid(
        `That GIF has an unknown block (0x${introducer.toString(16).padStart(2, '0')}); it may be damaged.`,
      );
    }
    frames++;
    await must(bytes, 9, 'an image descriptor');
    const left = bytes.u16();
    const top = bytes.u16();
    const w = bytes.u16();
    const h = bytes.u16();
    const flags = bytes.u8();
    if (w === 0 || h === 0) throw invalid(`Frame ${frames} of that GIF has no size.`);
    if (w * h > limits.maxPixels) {
      throw new GifProblem(
        'too_big',
        `Frame ${frames} of that GIF is ${w}×${h}; at most ${limits.maxPixels} pixels are allowed.`,
      );
    }
    if (left + w > width || top + h > height) {
      throw invalid(
        `Frame ${frames} of that GIF (${w}×${h} at ${left},${top}) lies outside its ${width}×${height} picture.`,
      );
    }
    totalPixels += w * h;
    if (totalPixels > limits.maxTotalPixels) {
      throw new GifProblem('too_big', `That GIF's frames add up to more than ${limits.maxTotalPixels} pixels.`);
    }
    const localTable = colourTableBytes(flags);
    await must(bytes, localTable + 1, 'a frame');
    bytes.skip(localTable);
    const minCodeSize = bytes.u8();
    if (minCodeSize < 1 || minCodeSize > 11) throw invalid(`Frame ${frames} of that GIF is damaged.`);
    await skipSubBlocks(bytes, 'the image data');
  }
  if (frames === 0) throw invalid('That GIF has no picture in it.');
  return { width, height, frames, totalPixels };
}
