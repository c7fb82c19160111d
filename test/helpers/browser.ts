// Headless Chromium for page tests: Debian's /usr/bin/chromium driven by playwright-core. Never
// downloads a browser. Without Chromium the page tests fail loudly, unless SKIP_BROWSER_TESTS=1.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Set SKIP_BROWSER_TESTS=1 to skip page tests on a machine without Chromium. */
export const skipBrowserTests = process.env.SKIP_BROWSER_TESTS === '1' ? 'SKIP_BROWSER_TESTS=1' : false;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium) or set ` +
        'CHROMIUM_PATH; set SKIP_BROWSER_TESTS=1 to skip the page tests.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 30_000 });
}

export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen on this page so far. */
  errors: string[];
}

/**
 * A new visitor: a fresh context (its own cookies, so its own session) with one page. The locale
 * sets the browser's language and so its Accept-Language header ('ko-KR' for a Korean reader).
 */
export async function newVisitor(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
  locale = 'en-US',
): Promise<Visit> {
  const context = await browser.newContext({ baseURL, viewport, locale });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { context, page, errors };
}

/**
 * Closes what a suite's `before` started, in order: a `before` that failed half-way leaves some
 * of them unset, and the cleanup must not fail on those.
 */
export async function closeAll(...started: Array<{ close(): Promise<void> } | undefined>): Promise<void> {
  for (const s of started) await s?.close();
}

/** The checkout this test build came from (the folder holding package.json). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test helpers');
    dir = up;
  }
  return dir;
}

/**
 * Saves a screenshot to docs/screenshots/<name>.png (overwriting), for the README — only under
 * `npm run screenshots` (SCREENSHOTS=1), so an ordinary test run leaves the tree as it was.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = path.join(repoRoot(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/**
 * A valid GIF89a of the given size: one full frame, a purple disc on a pale background, built
 * from bytes. The image data uses LZW with 8-bit codes and a clear code every 120 pixels, so the
 * code width never grows and each pixel is one byte — valid LZW without writing an encoder.
 */
export function gifBytes(width = 16, height = 16): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x81; // global colour table with 4 entries
  const palette = Buffer.from([0xf4, 0xf1, 0xff, 0x5b, 0x3d, 0xf5, 0xff, 0xff, 0xff, 0x1d, 0x1d, 0x27]);
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(width, 5);
  descriptor.writeUInt16LE(height, 7);

  const CLEAR = 128;
  const END = 129;
  const codes: number[] = [];
  const r = Math.min(width, height) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((y * width + x) % 120 === 0) codes.push(CLEAR);
      const dx = x + 0.5 - width / 2;
      const dy = y + 0.5 - height / 2;
      const d = Math.hypot(dx, dy) / r;
      const eye = dy < -r * 0.15 && dy > -r * 0.45 && Math.abs(Math.abs(dx) - r * 0.35) < r * 0.12;
      const smile = d > 0.45 && d < 0.62 && dy > r * 0.15;
      codes.push(d > 0.92 ? 0 : eye || smile ? 2 : 1);
    }
  }
  codes.push(END);
  const blocks: Buffer[] = [];
  for (let i = 0; i < codes.length; i += 255) {
    const chunk = codes.slice(i, i + 255);
    blocks.push(Buffer.from([chunk.length, ...chunk]));
  }
  return Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    screen,
    palette,
    descriptor,
    Buffer.from([7]), // LZW minimum code size: codes start 8 bits wide
    ...blocks,
    Buffer.from([0x00, 0x3b]), // block terminator, trailer
  ]);
}
