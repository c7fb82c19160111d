// `npm run bench:webp`: bytes saved by the animated WebP the server makes on upload, over the GIFs
// in bench/fixtures (made by gif-fixtures.ts), through the very code the upload runs
// (src/http/gif-variants.ts: same settings, and a WebP not smaller than its GIF is not kept).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGifStructure } from '../src/http/gif-structure.js';
import { gifVariantMaker, WEBP_OPTIONS } from '../src/http/gif-variants.js';
import { FIXTURE_DIR } from './gif-fixtures.js';

const LIMITS = { maxPixels: 4096 * 4096, maxTotalPixels: 100_000_000 };
const make = gifVariantMaker({
  maxPixels: LIMITS.maxPixels,
  maxWebpPixels: 50_000_000,
  timeoutMs: 10_000,
  concurrency: 1,
  log: (line) => console.log(`  ${line}`),
});

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const out = await mkdtemp(path.join(tmpdir(), 'gif-webp-'));
try {
  const rows: string[] = [];
  let gifTotal = 0;
  let servedTotal = 0;
  for (const name of (await readdir(FIXTURE_DIR)).filter((n) => n.endsWith('.gif')).sort()) {
    const file = path.join(FIXTURE_DIR, name);
    const gif = await readGifStructure(file, LIMITS);
    const base = path.join(out, name.replace(/\.gif$/, ''));
    const started = performance.now();
    const made = await make(file, gif, { still: `${base}.png`, webp: `${base}.webp` });
    const ms = performance.now() - started;
    const gifBytes = (await stat(file)).size;
    const webpBytes = made.webp ? (await stat(made.webp)).size : gifBytes;
    const stillBytes = made.still ? (await stat(made.still)).size : 0;
    gifTotal += gifBytes;
    servedTotal += webpBytes;
    const saved = made.webp ? `${(100 * (1 - webpBytes / gifBytes)).toFixed(0)} %` : 'GIF kept (WebP not smaller)';
    rows.push(
      `| ${name} | ${gif.width}×${gif.height}, ${gif.frames} frames | ${kb(gifBytes)} | ${made.webp ? kb(webpBytes) : '—'} | ${saved} | ${kb(stillBytes)} | ${ms.toFixed(0)} ms |`,
    );
  }
  console.log(`Animated WebP (${JSON.stringify(WEBP_OPTIONS)}) against the GIF, bench/fixtures:\n`);
  console.log('| File | Size | GIF | WebP | Saved | Still (PNG) | Conversion |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  const pct = (100 * (1 - servedTotal / gifTotal)).toFixed(0);
  console.log(`| **Total** | | ${kb(gifTotal)} | ${kb(servedTotal)} served | ${pct} % | | |`);
} finally {
  await rm(out, { recursive: true, force: true });
}
