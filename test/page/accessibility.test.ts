// A page everyone can use, checked in Chromium against one real server: axe-core's WCAG 2 A/AA
// rules on every page and state (lobby, create form, a private room's password form, a room with
// messages, a GIF, members and whisper mode on, the delete buttons, a 404), in English and
// Korean, desktop and phone; new messages announced politely without the transcript being read
// out; and a keyboard-only flow through the room with a focus you can see.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { closeAll, gifBytes, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const connected = (page: Page) => page.waitForFunction(() => document.body.dataset.connection === 'connected');
const bubble = (page: Page, text: string) => page.locator('#transcript .msg', { hasText: text });

/** Sends a chat from the composer and waits for the server's confirmation. */
async function say(page: Page, text: string): Promise<void> {
  await page.locator('#message-input').fill(text);
  await page.locator('#message-input').press('Enter');
  await bubble(page, text).and(page.locator(':not(.is-pending)')).waitFor();
}

describe('accessibility in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let owner: Visit;
  let roomPath = '';
  let privatePath = '';

  before(async () => {
    [server, browser] = await Promise.all([startTestServer({ LOG_FORMAT: 'none' }), launchBrowser()]);
    owner = await newVisitor(browser, server.baseUrl);
    const { page } = owner;
    await page.goto('/room');
    await page.locator('#title').fill('Locked');
    await page.locator('#password').fill('open sesame');
    await page.locator('form.stack-form button[type=submit]').click();
    await page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    privatePath = new URL(page.url()).pathname;

    await page.goto('/room');
    await page.locator('#title').fill('Open house');
    await page.locator('form.stack-form button[type=submit]').click();
    await page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    roomPath = new URL(page.url()).pathname;
    await connected(page);
    await say(page, 'Welcome, everyone');
    await page
      .locator('#gif-input')
      .setInputFiles({ name: 'smile.gif', mimeType: 'image/gif', buffer: gifBytes(48, 48) });
    await page.locator('#transcript .msg-gif img').waitFor();
  });

  after(async () => {
    await closeAll(browser, server);
  });

  for (const locale of ['en-US', 'ko-KR']) {
    for (const [device, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      test(`no WCAG A/AA violations, ${locale}, ${device}`, async () => {
        const visit = await newVisitor(browser, server.baseUrl, viewport, locale);
        const { page } = visit;
        const where = (what: string) => `${what} (${locale}, ${device})`;
        try {
          await page.goto('/');
          await connected(page);
          await expectNoAxeViolations(page, where('the lobby'));

          await page.goto('/room');
          await expectNoAxeViolations(page, where('the create form'));

          await page.goto(privatePath);
          await page.locator('#password').waitFor();
          await expectNoAxeViolations(page, where("a private room's password form"));

          const missing = await page.goto('/room/0123456789abcdef01234567');
          assert.equal(missing?.status(), 404);
          await expectNoAxeViolations(page, where('the 404 page'));

          await page.goto(roomPath);
          await connected(page);
          await page.locator('#transcript .msg-gif img').waitFor();
          await say(page, `hello from ${locale} ${device}`);
          // Whisper mode on: the chip and its button are on the page.
          await page.locator('#member-list .member-whisper').first().click();
          await page.locator('#whisper-chip').waitFor();
          // The delete button shows on my message when it (or the message) has keyboard focus.
          await page.locator('#message-input').focus();
          await page.keyboard.press('Shift+Tab');
          const ownDelete = bubble(page, `hello from ${locale} ${device}`).locator('.msg-delete');
          await ownDelete.focus();
          await expectNoAxeViolations(page, where('a room with messages, a GIF, members and whisper mode'));
          assert.deepEqual(
            visit.errors.filter((e) => !e.includes('status of 404')),
            [],
          );
        } finally {
          await visit.context.close();
        }
      });
    }
  }
  test("no WCAG A/AA violations in the owner's view of the room, light and dark", async () => {
    await owner.page.goto(roomPath);
    await connected(owner.page);
    await owner.page.locator('#password-panel summary').click();
    await expectNoAxeViolations(owner.page, "the owner's room with the password panel open");
    await owner.page.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(owner.page, "the owner's room, dark colour scheme");
    await owner.page.emulateMedia({ colorScheme: 'light' });
  });

  test('a new message from someone else is announced alone, politely; the log is not read out', async () => {
    const guest = await newVisitor(browser, server.baseUrl);
    try {
      // The owner is in the room already; a guest comes in.
      await guest.page.goto(roomPath);
      await connected(guest.page);
      const guestName = (await guest.page.locator('.site-header .me .nick').textContent())?.trim() ?? '';
      const announcer = owner.page.locator('#announcer');
      await announcer.getByText(`${guestName} joined.`).waitFor();
      // Chromium's accessibility tree: the region is live and polite, the transcript is not live.
      const cdp = await owner.page.context().newCDPSession(owner.page);
      const live = async (selector: string) => {
        const { root } = await cdp.send('DOM.getDocument');
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
        const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
        return nodes[0]?.properties?.find((p) => p.name === 'live')?.value.value as unknown;
      };
      assert.equal(await live('#announcer'), 'polite');
      // Chromium lists no 'live' on a node that is not live; role="log" alone would say 'polite'.
      assert.equal((await live('#transcript')) ?? 'off', 'off');
      assert.equal(await guest.page.locator('#announcer').textContent(), '', 'entering reads nothing out');

      await say(guest.page, 'Is anyone here?');
      await announcer.getByText(`${guestName}: Is anyone here?`).waitFor();
      // My own message is shown but not announced to me.
      await say(owner.page, 'Yes, hello!');
      await say(guest.page, 'Great');
      await announcer.getByText(`${guestName}: Great`).waitFor();
      const lines = await announcer.locator('p').allTextContents();
      assert.deepEqual(lines.slice(-2), [`${guestName}: Is anyone here?`, `${guestName}: Great`]);
      assert.equal(lines.join('\n').includes('Yes, hello!'), false);
      assert.equal(lines.join('\n').includes('Welcome, everyone'), false);
      // A whisper is announced to its reader as one.
      const ownerName = (await owner.page.locator('.site-header .me .nick').textContent())?.trim() ?? '';
      await owner.page.locator('#member-list .member', { hasText: guestName }).locator('.member-whisper').click();
      await say(owner.page, 'psst');
      await owner.page.keyboard.press('Escape');
      await guest.page.locator('#announcer').getByText(`${ownerName}, privately: psst`).waitFor();
    } finally {
      await guest.context.close();
    }
  });

  test('every step by keyboard alone, each focus visible', async () => {
    const guest = await newVisitor(browser, server.baseUrl);
    const { page } = guest;
    try {
      await page.goto(roomPath);
      await connected(page);
      await page.locator('#member-list .member-whisper').first().waitFor();
      /** Presses `key` until the focused element matches `selector`, checking each focus is visible. */
      const tabTo = async (selector: string, key = 'Tab') => {
        for (let i = 0; i < 60; i++) {
          await page.keyboard.press(key);
          const seen = await page.evaluate(focusSeen);
          assert.ok(
            seen.visible,
            `focus on ${seen.what} is not visible (outline ${seen.outline}, shadow ${seen.shadow})`,
          );
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
        }
        throw new Error(`${key} never reached ${selector}`);
      };
      await tabTo('#message-input');
      await page.keyboard.type('typed, not clicked');
      await page.keyboard.press('Enter');
      await bubble(page, 'typed, not clicked').and(page.locator(':not(.is-pending)')).waitFor();

      // The member list's Whisper button, then back out with Escape (and once with its button).
      await tabTo('#member-list .member-whisper');
      await page.keyboard.press('Enter');
      await page.locator('#whisper-chip').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'message-input');
      await page.keyboard.press('Escape');
      await page.locator('#whisper-chip').waitFor({ state: 'hidden' });
      await tabTo('#member-list .member-whisper');
      await page.keyboard.press('Enter');
      await tabTo('#whisper-cancel', 'Shift+Tab');
      await page.keyboard.press('Enter');
      await page.locator('#whisper-chip').waitFor({ state: 'hidden' });

      // Back to my message's Delete button; Enter asks first.
      await tabTo('#transcript .msg.is-mine .msg-delete', 'Shift+Tab');
      const focused = await page.evaluate(focusSeen);
      assert.ok(focused.opaque, 'the focused delete button is fully shown');
      page.once('dialog', (d) => void d.accept());
      await page.keyboard.press('Enter');
      await bubble(page, 'typed, not clicked').waitFor({ state: 'detached' });
    } finally {
      await guest.context.close();
    }
  });
});

/** Runs in the page: what has focus, and whether an outline or a shadow shows it. */
function focusSeen() {
  const active = document.activeElement;
  // The file input is visually hidden; its label (the Upload button) shows its focus.
  const shown =
    active instanceof HTMLInputElement && active.type === 'file'
      ? document.querySelector(`label[for="${active.id}"]`)
      : active;
  const style = shown ? getComputedStyle(shown) : null;
  const outline = style ? `${style.outlineStyle} ${style.outlineWidth}` : 'none';
  const shadow = style?.boxShadow ?? 'none';
  const visible =
    !!style && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || shadow !== 'none');
  const what = active ? `${active.tagName.toLowerCase()}#${active.id}.${[...active.classList].join('.')}` : 'nothing';
  return { what, outline, shadow, visible, opaque: style?.opacity === '1' };
}
