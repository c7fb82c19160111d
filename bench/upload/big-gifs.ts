// GIFs of a given size for the upload-memory bench, in two kinds: "frames", real animation made
// by sharp's GIF encoder from noise (every byte is picture, so the server's sharp conversions
// decode all of it), and "filler", a one-pixel picture padded with a comment extension to the
// size (what the upload path itself costs, with almost nothing to decode). Made once per size
// into a temporary folder.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { bigGif } from '../scenarios/upload.js';

export type GifKind = 'frames' | 'filler';

const WIDTH = 480;
const HEIGHT = 360;

/** Deterministic noise (a linear congruential generator): the same GIF bytes on every run. */
function noiseFrames(frames: number): Buffer {
  const raw = Buffer.alloc(WIDTH * HEIGHT * frames * 3);
  let seed = 12345;
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    raw[i] = (seed >>> 16) & 0xff;
  }
  return raw;
}

async function framesGif(frames: number): Promise<Buffer> {
  return sharp(noiseFrames(frames), { raw: { width: WIDTH, height: HEIGHT * frames, channels: 3, pageHeight: HEIGHT } })
    .gif({ delay: Array<number>(frames).fill(80), loop: 0, effort: 1, dither: 0 })
    .toBuffer();
}

/** A "frames" GIF of about `bytes` (within a frame's size), and its frame count. */
export async function framesGifOf(bytes: number): Promise<{ gif: Buffer; frames: number }> {
  const one = (await framesGif(2)).length / 2;
  const frames = Math.max(1, Math.round(bytes / one));
  return { gif: await framesGif(frames), frames };
}

export async function writeGif(
  dir: string,
  kind: GifKind,
  bytes: number,
): Promise<{ file: string; size: number; frames: number }> {
  const made = kind === 'frames' ? await framesGifOf(bytes) : { gif: bigGif(bytes), frames: 1 };
  const file = path.join(dir, `${kind}-${bytes}.gif`);
  await writeFile(file, made.gif);
  return { file, size: made.gif.length, frames: made.frames };
}

export const GIF_PICTURE = { width: WIDTH, height: HEIGHT };
