// Makes the GIFs the WebP bench converts (bench/fixtures/*.gif), deterministically, with sharp's
// GIF encoder: kinds of GIF people post, each small enough to keep in the repository.
// `npm run build && node dist/bench/gif-fixtures.js` rewrites them.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

type Pixel = (x: number, y: number, frame: number) => [number, number, number];

interface Fixture {
  name: string;
  width: number;
  height: number;
  frames: number;
  delayMs: number;
  pixel: Pixel;
}

/** Smooth pseudo-random noise in 0..1 (value noise, a few octaves): texture like a photo's. */
function noise(x: number, y: number): number {
  const hash = (i: number, j: number) => {
    const h = Math.sin(i * 127.1 + j * 311.7) * 43758.5453;
    return h - Math.floor(h);
  };
  let sum = 0;
  let amp = 0.5;
  let f = 1 / 32;
  for (let o = 0; o < 4; o++) {
    const xi = Math.floor(x * f);
    const yi = Math.floor(y * f);
    const tx = x * f - xi;
    const ty = y * f - yi;
    const a = hash(xi, yi) + (hash(xi + 1, yi) - hash(xi, yi)) * tx;
    const b = hash(xi, yi + 1) + (hash(xi + 1, yi + 1) - hash(xi, yi + 1)) * tx;
    sum += amp * (a + (b - a) * ty);
    amp /= 2;
    f *= 2;
  }
  return sum / 0.9375;
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

const FIXTURES: Fixture[] = [
  {
    // A camera pan over a landscape: gradients and texture, dithered by the GIF encoder.
    name: 'photo-pan',
    width: 200,
    height: 120,
    frames: 10,
    delayMs: 80,
    pixel: (x, y, f) => {
      const wx = x + f * 6;
      const hill = 70 + 25 * noise(wx, 0);
      if (y < hill) return [clamp(90 + y), clamp(150 + y / 2), clamp(235 - y / 3)];
      const n = noise(wx * 2, y * 2);
      return [clamp(40 + 90 * n), clamp(90 + 100 * n), clamp(30 + 40 * n)];
    },
  },
  {
    // A cartoon: flat colours, a ball bouncing across a floor.
    name: 'cartoon-bounce',
    width: 160,
    height: 120,
    frames: 16,
    delayMs: 60,
    pixel: (x, y, f) => {
      const bx = 20 + f * 8;
      const by = 90 - Math.abs(Math.sin((f / 16) * Math.PI * 2)) * 60;
      const d = Math.hypot(x - bx, y - by);
      if (d < 12) return d > 10 ? [20, 20, 20] : [230, 60, 60];
      if (y > 100) return [120, 80, 40];
      return [250, 240, 200];
    },
  },
  {
    // A screen recording: lines of "text" scrolling up on a light background.
    name: 'screen-scroll',
    width: 240,
    height: 100,
    frames: 12,
    delayMs: 150,
    pixel: (x, y, f) => {
      const line = Math.floor((y + f * 4) / 10);
      const inGlyph = (y + f * 4) % 10 < 7 && x % 7 < 5 && noise(Math.floor(x / 7) * 9, line * 9) > 0.35;
      const width = 40 + ((line * 37) % 180);
      if (inGlyph && x > 8 && x < width) return line % 5 === 0 ? [30, 90, 200] : [40, 40, 40];
      return [248, 248, 248];
    },
  },
  {
    // A small loading spinner: a few pixels, a few colours.
    name: 'spinner',
    width: 32,
    height: 32,
    frames: 8,
    delayMs: 100,
    pixel: (x, y, f) => {
      const a = (Math.atan2(y - 16, x - 16) / (2 * Math.PI) + 1) % 1;
      const r = Math.hypot(x - 16, y - 16);
      const lit = (Math.floor(a * 8) + 8 - f) % 8;
      if (r > 8 && r < 14) return [clamp(60 + lit * 24), clamp(60 + lit * 24), 255];
      return [255, 255, 255];
    },
  },
  {
    // A fade between two textures: many colours on every frame, the GIF encoder's worst case.
    name: 'texture-fade',
    width: 160,
    height: 120,
    frames: 12,
    delayMs: 80,
    pixel: (x, y, f) => {
      const t = f / 11;
      const n1 = noise(x * 3, y * 3);
      const n2 = noise(x * 3 + 500, y * 3 + 500);
      return [clamp(255 * ((1 - t) * n1 + t * 0.2)), clamp(255 * (0.5 * n1 + 0.5 * n2)), clamp(255 * (t * n2))];
    },
  },
];

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/fixtures');

async function write(fx: Fixture, dir: string): Promise<string> {
  const raw = Buffer.alloc(fx.width * fx.height * fx.frames * 3);
  let i = 0;
  for (let f = 0; f < fx.frames; f++)
    for (let y = 0; y < fx.height; y++)
      for (let x = 0; x < fx.width; x++) {
        const [r, g, b] = fx.pixel(x, y, f);
        raw[i++] = r;
        raw[i++] = g;
        raw[i++] = b;
      }
  const file = path.join(dir, `${fx.name}.gif`);
  await sharp(raw, { raw: { width: fx.width, height: fx.height * fx.frames, channels: 3, pageHeight: fx.height } })
    .gif({ delay: Array(fx.frames).fill(fx.delayMs) as number[], loop: 0, dither: 1, effort: 7 })
    .toFile(file);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mkdir(FIXTURE_DIR, { recursive: true });
  for (const fx of FIXTURES) console.log(await write(fx, FIXTURE_DIR));
}
