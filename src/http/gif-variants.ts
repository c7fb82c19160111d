// What the server makes from a checked GIF, with sharp: a still first frame (PNG, shown while the
// GIF is paused) and an animated WebP (served to browsers that take it, kept only when smaller
// than the GIF). Runs after gif-check.ts has bounded the picture, every frame and their sum; the
// WebP decodes every frame at the full picture size, so it has its own pixel budget (picture ×
// frames), and every conversion a time limit. A GIF sharp cannot convert still posts: without
// what could not be made, and with one log line saying why.
import { stat, unlink } from 'node:fs/promises';
import sharp from 'sharp';
import type { GifStructure } from './gif-structure.js';

export interface GifVariantOptions {
  /** Largest picture or frame (UPLOAD_MAX_PIXELS): the still frame decodes one. */
  maxPixels: number;
  /** Most pixels decoded to make the WebP: picture width × height × frames. */
  maxWebpPixels: number;
  /** A conversion taking longer is abandoned (sharp counts whole seconds, at least one). */
  timeoutMs: number;
  /** Conversions running at once in this process; more wait their turn. */
  concurrency: number;
  log: (line: string) => void;
}

/** Paths of the files made next to the GIF (null: not made). */
export interface GifVariants {
  still: string | null;
  webp: string | null;
}

export interface GifVariantPaths {
  still: string;
  webp: string;
}

/** Animated WebP settings: each frame lossy (quality 75) or lossless, whichever is smaller (bench:webp). */
export const WEBP_OPTIONS = { quality: 75, effort: 4, mixed: true, smartSubsample: true } as const;

function reasonOf(err: unknown): string {
  // sharp's messages run over several lines (libvips's and its own); the first says why.
  const [first = ''] = (err instanceof Error ? err.message : String(err)).split('\n');
  return first.trim();
}

/** Runs at most `limit` tasks at once. */
function gate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A waiter is handed its slot directly, so a task arriving meanwhile cannot take it as well.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export type GifVariantMaker = (gifPath: string, gif: GifStructure, out: GifVariantPaths) => Promise<GifVariants>;

export function gifVariantMaker(opts: GifVariantOptions): GifVariantMaker {
  // Each upload is read once: libvips's operation cache would only hold its files open (a full
  // or unmounted upload folder stays busy) and its memory.
  sharp.cache(false);
  const seconds = Math.max(1, Math.ceil(opts.timeoutMs / 1000));
  const inTurn = gate(opts.concurrency);

  async function makeStill(gifPath: string, out: string): Promise<void> {
    await sharp(gifPath, { pages: 1, limitInputPixels: opts.maxPixels, failOn: 'error' })
      .timeout({ seconds })
      .png({ compressionLevel: 9, palette: true })
      .toFile(out);
  }

  /** True if the WebP was made and is smaller than the GIF (else nothing is left behind). */
  async function makeWebp(gifPath: string, gif: GifStructure, out: string): Promise<boolean> {
    if (opts.maxWebpPixels === 0) return false; // turned off
    const decoded = gif.width * gif.height * gif.frames;
    if (decoded > opts.maxWebpPixels) {
      throw new Error(
        `${gif.frames} frames of ${gif.width}×${gif.height} is more than the ${opts.maxWebpPixels} pixels GIF_WEBP_MAX_PIXELS allows`,
      );
    }
    await sharp(gifPath, { animated: true, limitInputPixels: opts.maxWebpPixels, failOn: 'error' })
      .timeout({ seconds })
      .webp(WEBP_OPTIONS)
      .toFile(out);
    const [webp, original] = await Promise.all([stat(out), stat(gifPath)]);
    if (webp.size < original.size) return true;
    await unlink(out);
    return false;
  }

  return (gifPath, gif, out) =>
    inTurn(async () => {
      const made: GifVariants = { still: null, webp: null };
      const problems: string[] = [];
      try {
        await makeStill(gifPath, out.still);
        made.still = out.still;
      } catch (err) {
        await unlink(out.still).catch(() => undefined);
        problems.push(`no still frame (${reasonOf(err)})`);
      }
      try {
        if (await makeWebp(gifPath, gif, out.webp)) made.webp = out.webp;
      } catch (err) {
        await unlink(out.webp).catch(() => undefined);
        problems.push(`no WebP (${reasonOf(err)})`);
      }
      if (problems.length > 0) opts.log(`GIF ${gifPath.split(/[\\/]/).pop()} posted with ${problems.join(' and ')}`);
      return made;
    });
}
