// Taking a message back in Chromium, two people in one room: the author's "Delete message"
// button (by mouse and by keyboard, confirmed first) removes it from both pages at once; someone
// else's message has no button unless you own the room; and a page whose connection was down
// while a message was deleted no longer shows it once it reconnects and catches up.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { closeAll, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';

/** Every WebSocket the page opens is kept on window.__sockets; while __blockWs is set, none connects. */
function hookSockets(): void {
  const w = window as unknown as { __sockets: WebSocket[]; __blockWs: boolean; WebSocket: typeof WebSocket };
  const Native = w.WebSocket;
  w.__sockets = [];
  w.__blockWs = false;
  w.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(w.__blockWs ? 'ws://127.0.0.1:9/' : url, protocols);
      w.__sockets.push(this);
    }
  };
}

describe('deleting a message in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Visit;
  let bob: Visit;

  const connected = (page: Page) => page.waitForFunction(() => document.body.dataset.connection === 'connected');
  const bubble = (page: Page, text: string) => page.getByRole('log').locator('.msg', { hasText: text });
  const deleteButton = (page: Page, text: string) => bubble(page, text).getByRole('button', { name: 'Delete message' });
  async function say(page: Page, text: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await bubble(page, text).and(page.locator(':not(.is-pending)')).waitFor();
  }

  before(async () => {
    [server, browser] = await Promise.all([startTestServer({ LOG_FORMAT: 'none' }), launchBrowser()]);
    [alice, bob] = await Promise.all([newVisitor(browser, server.baseUrl), newVisitor(browser, server.baseUrl)]);
    await bob.context.addInitScript(hookSockets);
    await alice.page.goto('/room');
    await alice.page.getByLabel('Title').fill('Take it back');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    await connected(alice.page);
    await bob.page.goto(new URL(alice.page.url()).pathname);
    await connected(bob.page);
  });
  after(async () => {
    await closeAll(browser, server);
  });

  test('the author deletes a message, confirmed first: gone from both pages', async () => {
    await say(alice.page, 'first message');
    await say(bob.page, 'from bob');
    await bubble(bob.page, 'first message').waitFor();
    // Not the owner and not the author: bob has no button on alice's message; alice owns the room.
    assert.equal(await deleteButton(bob.page, 'first message').isVisible(), false);
    assert.equal(await deleteButton(bob.page, 'from bob').isVisible(), true);
    // Cancelled: nothing happens.
    alice.page.once('dialog', (d) => void d.dismiss());
    await deleteButton(alice.page, 'first message').click();
    await say(alice.page, 'a marker');
    await bubble(bob.page, 'a marker').waitFor();
    assert.equal(await bubble(bob.page, 'first message').count(), 1);
    // Confirmed: gone for both, at once.
    alice.page.once('dialog', (d) => {
      assert.equal(d.message(), 'Delete this message for everyone?');
      void d.accept();
    });
    await deleteButton(alice.page, 'first message').click();
    await bubble(bob.page, 'first message').waitFor({ state: 'detached' });
    await bubble(alice.page, 'first message').waitFor({ state: 'detached' });
  });

  test('by keyboard alone, and the owner may delete what others wrote', async () => {
    const button = deleteButton(alice.page, 'from bob');
    await button.focus();
    assert.equal(await button.evaluate((b) => b === document.activeElement), true);
    alice.page.once('dialog', (d) => void d.accept());
    await alice.page.keyboard.press('Enter');
    await bubble(bob.page, 'from bob').waitFor({ state: 'detached' });
  });

  test('a page that was offline during a deletion drops the message when it catches up', async () => {
    await say(alice.page, 'short-lived');
    await bubble(bob.page, 'short-lived').waitFor();
    // Bob's connection drops and cannot come back for now.
    await bob.page.evaluate(() => {
      const w = window as unknown as { __sockets: WebSocket[]; __blockWs: boolean };
      w.__blockWs = true;
      for (const s of w.__sockets) s.close();
    });
    await bob.page.waitForFunction(() => document.body.dataset.connection !== 'connected');
    alice.page.once('dialog', (d) => void d.accept());
    await deleteButton(alice.page, 'short-lived').click();
    await bubble(alice.page, 'short-lived').waitFor({ state: 'detached' });
    await say(alice.page, 'while you were away');
    assert.equal(await bubble(bob.page, 'short-lived').count(), 1, 'still shown while offline');
    // Back online: the browser says so, and the page reconnects at once rather than at its next try.
    await bob.page.evaluate(() => {
      (window as unknown as { __blockWs: boolean }).__blockWs = false;
      window.dispatchEvent(new Event('online'));
    });
    await bubble(bob.page, 'while you were away').waitFor({ timeout: 20_000 });
    await bubble(bob.page, 'short-lived').waitFor({ state: 'detached' });
    // And a fresh page never shows it.
    await bob.page.reload();
    await bubble(bob.page, 'while you were away').waitFor();
    assert.equal(await bubble(bob.page, 'short-lived').count(), 0);
  });
});
