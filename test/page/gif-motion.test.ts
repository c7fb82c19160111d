// GIFs people can control, in Chromium: the uploader's description becomes the alt text; the
// WebP is what Chromium loads (it accepts image/webp); every GIF has a "Pause GIF" / "Play GIF"
// toggle, by mouse and keyboard, paused showing the still frame; a reader who asked for reduced
// motion gets GIFs paused, loading no animation until they press play; and the server-rendered
// GIF is the same markup the browser builds for a live one.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  closeAll,
  launchBrowser,
  newVisitor,
  repoRoot,
  screenshot,
  skipBrowserTests,
  type Visit,
} from '../helpers/browser.js';

/** The image a GIF box shows now: which file Chromium chose, once it has loaded it. */
function shown(box: Locator): Promise<string> {
  return box.evaluate(async (el) => {
    const img = el.querySelector('img');
    if (!img) return 'no img';
    if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
    return img.naturalWidth > 0 ? new URL(img.currentSrc).pathname : 'not loaded';
  });
}

/** An element's shape without whitespace text: tag, attributes (sorted), children. */
function shape(box: Locator): Promise<string> {
  return box.evaluate((root) => {
    const walk = (el: Element): string => {
      const attrs = [...el.attributes].map((a) => `${a.name}=${a.value}`).sort();
      return `<${el.tagName.toLowerCase()} ${attrs.join(' ')}>${[...el.children].map(walk).join('')}</>`;
    };
    return walk(root);
  });
}

describe('pausing GIFs, WebP and alt text in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Visit;
  let calm: Visit;
  let roomPath = '';
  let photo: Buffer;

  const connected = (page: Page) => page.waitForFunction(() => document.body.dataset.connection === 'connected');
  const gifBox = (page: Page, alt: string) => page.getByRole('log').locator('.gif', { has: page.getByAltText(alt) });
  async function upload(page: Page, name: string, alt?: string): Promise<void> {
    if (alt !== undefined) await page.getByLabel('Description of your next GIF (optional)').fill(alt);
    await page.getByLabel('Upload GIF').setInputFiles({ name, mimeType: 'image/gif', buffer: photo });
  }

  before(async () => {
    photo = await readFile(path.join(repoRoot(), 'bench/fixtures/photo-pan.gif'));
    [server, browser] = await Promise.all([startTestServer({ LOG_FORMAT: 'none' }), launchBrowser()]);
    alice = await newVisitor(browser, server.baseUrl);
    // Someone who asked their system for less motion.
    const context = await browser.newContext({ baseURL: server.baseUrl, reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    calm = { context, page: await context.newPage(), errors: [] };
    calm.page.on('pageerror', (err) => calm.errors.push(err.message));
    await alice.page.goto('/room');
    await alice.page.getByLabel('Title').fill('Moving pictures');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    roomPath = new URL(alice.page.url()).pathname;
    await connected(alice.page);
  });
  after(async () => {
    await closeAll(browser, server);
  });

  test('the description is the alt text; Chromium gets the WebP; pause shows the still frame, play the animation', async () => {
    const webpServed = alice.page.waitForResponse((r) => r.url().endsWith('.webp'));
    await upload(alice.page, 'pan.gif', 'A valley, the camera panning right');
    const box = gifBox(alice.page, 'A valley, the camera panning right');
    await box.waitFor();
    assert.equal(await alice.page.getByLabel('Description of your next GIF (optional)').inputValue(), '');
    const img = box.getByRole('img');
    assert.deepEqual([await img.getAttribute('width'), await img.getAttribute('height')], ['200', '120']);
    assert.equal((await webpServed).headers()['content-type'], 'image/webp');
    assert.match(await shown(box), /^\/gif\/[0-9a-f]{32}\.webp$/);

    await box.getByRole('button', { name: 'Pause GIF' }).click();
    const play = box.getByRole('button', { name: 'Play GIF' });
    await play.waitFor();
    assert.match(await shown(box), /^\/gif\/[0-9a-f]{32}\.png$/);
    // By keyboard: the toggle takes focus and Enter and Space press it.
    await play.focus();
    await alice.page.keyboard.press('Enter');
    await box.getByRole('button', { name: 'Pause GIF' }).waitFor();
    assert.match(await shown(box), /\.webp$/);
    await alice.page.keyboard.press('Space');
    await play.waitFor();
    assert.match(await shown(box), /\.png$/);
    await play.click();

    // Without a description the alt text is "GIF from <nickname>".
    const nickname = (await alice.page.locator('.member-list .nick').first().textContent())?.trim() ?? '';
    await upload(alice.page, 'second.gif');
    await gifBox(alice.page, `GIF from ${nickname}`).waitFor();
    assert.deepEqual(alice.errors, []);
    // For the README: one GIF paused (its Play button showing), the other hovered (its Delete ×).
    await box.getByRole('button', { name: 'Pause GIF' }).click();
    await gifBox(alice.page, `GIF from ${nickname}`).hover();
    await screenshot(alice.page, 'room-gifs-desktop');
    await box.getByRole('button', { name: 'Play GIF' }).click();
  });

  test('the server renders a GIF exactly as the page builds a live one', async () => {
    const live = await shape(gifBox(alice.page, 'A valley, the camera panning right'));
    await alice.page.reload();
    await connected(alice.page);
    const rendered = gifBox(alice.page, 'A valley, the camera panning right');
    assert.equal(await shape(rendered), live);
    assert.match(await shown(rendered), /\.webp$/);
  });

  test('with reduced motion GIFs start paused on the still frame and play only when asked', async () => {
    const requested: string[] = [];
    calm.page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await calm.page.goto(roomPath);
    await connected(calm.page);
    // Rendered by the server: paused once the page's script has run.
    const old = gifBox(calm.page, 'A valley, the camera panning right');
    await old.getByRole('button', { name: 'Play GIF' }).waitFor();
    assert.match(await shown(old), /\.png$/);

    // Arriving live: paused, and neither its GIF nor its WebP is fetched.
    await upload(alice.page, 'third.gif', 'A third pan');
    const live = gifBox(calm.page, 'A third pan');
    await live.getByRole('button', { name: 'Play GIF' }).waitFor();
    const still = await shown(live);
    assert.match(still, /\.png$/);
    const hex = still.slice('/gif/'.length, -'.png'.length);
    assert.deepEqual(
      requested.filter((p) => p.startsWith(`/gif/${hex}`)),
      [`/gif/${hex}.png`],
    );
    await live.getByRole('button', { name: 'Play GIF' }).click();
    await live.getByRole('button', { name: 'Pause GIF' }).waitFor();
    assert.match(await shown(live), new RegExp(`/gif/${hex}\\.webp$`));
    assert.deepEqual(calm.errors, []);
  });
});
