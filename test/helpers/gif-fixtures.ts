// GIFs for the still-frame and WebP tests: a real animation from bench/fixtures (made by sharp's
// encoder, where the WebP is much smaller), and a GIF whose blocks are whole but whose picture
// data no decoder can read (sharp refuses it; browsers show an empty box).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/helpers/ where the compiled helper runs. */
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** photo-pan.gif: 200×120, 10 frames, about 64 KB; its WebP is about 8 KB. */
export const photoPan = (): Promise<Buffer> => readFile(`${root}bench/fixtures/photo-pan.gif`);

/** An 8×8 GIF, walked whole to its trailer, whose LZW codes point past the code table. */
export function undecodableGif(): Buffer {
  const screen = Buffer.from([8, 0, 8, 0, 0x80, 0, 0]);
  const palette = Buffer.from([0, 0, 0, 255, 255, 255]);
  const descriptor = Buffer.from([0x2c, 0, 0, 0, 0, 8, 0, 8, 0, 0]);
  const image = Buffer.from([0x02, 4, 0xff, 0xff, 0xff, 0xff, 0x00]);
  return Buffer.concat([Buffer.from('GIF89a', 'ascii'), screen, palette, descriptor, image, Buffer.from([0x3b])]);
}
