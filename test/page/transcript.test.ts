// How the transcript behaves in a real browser: older history loads as you scroll up, a "New
// messages" button instead of a jump when you have scrolled away, a too-large GIF refused before
// upload, the reconnect banner across a server restart (with a message typed while offline
// delivered once), and the owner deleting the room under another visitor.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';
import { closeAll, gifBytes, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';

declare function setTabHidden(hidden: boolean): void;

const UPLOAD_MAX = 4096;

describe('the transcript in a browser', { skip: skipBrowserTests }, () => {
  let dataDir: string;
  let server: TestServer;
  let browser: Browser;
  let reader: Visit;
  let poster: Visitor;
  let roomId: string;

  // Hundreds of chats in a few seconds: the chat budget has tests of its own.
  const env = (port = '0') => ({
    DATA_DIR: dataDir,
    PORT: port,
    UPLOAD_MAX_BYTES: String(UPLOAD_MAX),
    CHAT_PER_10S: '100000',
  });
  const chatCount = (page: Page) => page.locator('.msg-chat[data-message-id]').count();
  const scrollState = (page: Page) =>
    page
      .locator('#scroller')
      .evaluate((s) => ({ top: s.scrollTop, bottomGap: s.scrollHeight - s.scrollTop - s.clientHeight }));
  const post = async (text: string) => {
    const res = await poster.postJson(`/room/${roomId}/chat`, { chat: text });
    assert.equal(res.status, 201, await res.text());
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-page-'));
    [server, browser] = await Promise.all([startTestServer(env()), launchBrowser()]);
    poster = await Visitor.create(server.baseUrl);
    roomId = await poster.createRoom('Long history');
    // The poster posts over HTTP, which needs a place in the room, as an open page has.
    await poster.enter(roomId);
    for (let i = 1; i <= 70; i++) await post(`seed message ${i}`);
    reader = await newVisitor(browser, server.baseUrl, { width: 900, height: 600 });
    // Headless tabs are never hidden; let the test hide this one as switching tabs would.
    await reader.context.addInitScript(() => {
      let hidden = false;
      Object.defineProperty(document, 'hidden', { get: () => hidden });
      Object.defineProperty(globalThis, 'setTabHidden', {
        value: (value: boolean) => {
          hidden = value;
          document.dispatchEvent(new Event('visibilitychange'));
        },
      });
    });
  });

  after(async () => {
    await closeAll(browser, server);
    await rm(dataDir, { recursive: true, force: true });
  });

  test('opens at the newest message and loads older ones when scrolled to the top', async () => {
    await reader.page.goto(`/room/${roomId}`);
    await reader.page.getByRole('log').getByText('seed message 70').waitFor();
    assert.equal(await chatCount(reader.page), 50);
    assert.ok((await scrollState(reader.page)).bottomGap < 5, 'starts at the bottom');

    await reader.page.locator('#scroller').evaluate((s) => s.scrollTo({ top: 0 }));
    await reader.page.getByRole('log').getByText('seed message 1', { exact: true }).waitFor();
    assert.equal(await chatCount(reader.page), 70);
    await reader.page.getByText('This is the start of the room.').waitFor();
    // Oldest first, each once.
    const texts = await reader.page.locator('.msg-chat .msg-text').allTextContents();
    assert.deepEqual(
      texts,
      Array.from({ length: 70 }, (_, i) => `seed message ${i + 1}`),
    );
  });

  test('while scrolled up, new messages raise a button instead of moving the view', async () => {
    await reader.page.waitForFunction(() => document.body.dataset.connection === 'connected');
    await reader.page.locator('#scroller').evaluate((s) => s.scrollTo({ top: 200 }));
    const before = await scrollState(reader.page);
    await post('arrived while reading old ones');
    const button = reader.page.getByRole('button', { name: /New messages/ });
    await button.waitFor();
    assert.equal((await scrollState(reader.page)).top, before.top);

    await button.click();
    await reader.page.waitForFunction(() => {
      const s = document.getElementById('scroller')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 5;
    });
    await button.waitFor({ state: 'hidden' });

    // At the bottom, the view follows new messages by itself.
    await post('and one more');
    await reader.page.getByRole('log').getByText('and one more').waitFor();
    await reader.page.waitForFunction(() => {
      const s = document.getElementById('scroller')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 5;
    });
    assert.equal(await button.isVisible(), false);
  });

  test('while the tab is hidden, the title counts unread messages', async () => {
    const title = await reader.page.title();
    await reader.page.evaluate(() => setTabHidden(true));
    await post('unread one');
    await post('unread two');
    await reader.page.waitForFunction((t) => document.title === `(2) ${t}`, title);
    await reader.page.evaluate(() => setTabHidden(false));
    assert.equal(await reader.page.title(), title);
  });

  test('a GIF over the size limit is refused before it is uploaded', async () => {
    const big = Buffer.concat([gifBytes(), Buffer.alloc(UPLOAD_MAX + 100)]);
    await reader.page.getByLabel('Upload GIF').setInputFiles({ name: 'big.gif', mimeType: 'image/gif', buffer: big });
    await reader.page
      .getByRole('alert')
      .filter({ hasText: 'big.gif is' })
      .filter({ hasText: 'at most 4.0 KB' })
      .waitFor();
  });

  test('the banner shows reconnecting across a server restart, and an offline message is sent once', async () => {
    const port = new URL(server.baseUrl).port;
    await server.close();
    const banner = reader.page.getByRole('status').filter({ hasText: /reconnecting/i });
    await banner.waitFor();

    const box = reader.page.getByRole('textbox', { name: 'Message' });
    await box.fill('typed while the server was down');
    await box.press('Enter');
    await reader.page
      .locator('.msg.is-pending', { hasText: 'typed while the server was down' })
      .getByText('sending…')
      .waitFor();

    server = await startTestServer(env(port));
    await reader.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    const mine = reader.page.locator('.msg', { hasText: 'typed while the server was down' });
    await mine.and(reader.page.locator('[data-message-id]')).waitFor();
    assert.equal(await mine.count(), 1);

    // Rejoined: live messages flow again (the poster's session survived the restart too).
    await poster.enter(roomId);
    await post('after the restart');
    await reader.page.getByRole('log').getByText('after the restart').waitFor();
    // Chromium logs the refused WebSocket attempts while the server was down; nothing else.
    const unexpected = reader.errors.filter((e) => !/WebSocket connection to .* failed/.test(e));
    assert.deepEqual(unexpected, []);
  });

  test('when the owner deletes the room, the others are told and pointed to the lobby', async () => {
    const owner = await newVisitor(browser, server.baseUrl);
    try {
      await owner.page.goto('/room');
      await owner.page.getByLabel('Title').fill('Short-lived');
      await owner.page.getByRole('button', { name: 'Create' }).click();
      await owner.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
      const url = new URL(owner.page.url()).pathname;

      await reader.page.goto(url);
      await reader.page.getByRole('list', { name: 'Members' }).locator('li').nth(1).waitFor();

      owner.page.once('dialog', (dialog) => void dialog.accept());
      await owner.page.getByRole('button', { name: 'Delete room' }).click();
      await owner.page.waitForURL(`${server.baseUrl}/`);

      const notice = reader.page.getByRole('alert').filter({ hasText: 'This room was deleted' });
      await notice.waitFor();
      await notice.getByRole('link', { name: 'Back to the lobby' }).waitFor();
      assert.equal(await reader.page.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
      assert.deepEqual(owner.errors, []);
    } finally {
      await owner.context.close();
    }
  });
});
