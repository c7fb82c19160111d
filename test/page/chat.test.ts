// Two real visitors in headless Chromium against the real server: a room made with the form, a
// chat both ways, a GIF upload seen by the other browser, history after a reload, a private room,
// the live lobby, and a phone-sized layout. One browser and one server for the whole file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  closeAll,
  gifBytes,
  launchBrowser,
  newVisitor,
  screenshot,
  skipBrowserTests,
  type Visit,
} from '../helpers/browser.js';

describe('the chat in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Visit;
  let bob: Visit;
  let roomUrl = '';

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    alice = await newVisitor(browser, server.baseUrl);
    bob = await newVisitor(browser, server.baseUrl);
  });

  after(async () => {
    await closeAll(browser, server);
  });

  const nicknameOf = async (page: Page) => (await page.locator('.site-header .me .nick').textContent())?.trim() ?? '';
  const transcript = (page: Page) => page.getByRole('log');

  test('the lobby invites you to create the first room and updates live', async () => {
    await bob.page.goto('/');
    await bob.page.getByText('No rooms yet').waitFor();
    // Bob's lobby socket must be listening before Alice creates the room.
    await bob.page.waitForFunction(() => document.body.dataset.connection === 'connected');
    await screenshot(bob.page, 'lobby-empty-desktop');

    await alice.page.goto('/');
    await alice.page.getByRole('link', { name: 'Create room' }).click();
    await alice.page.getByLabel('Title').fill('Cats & <b>GIFs</b>');
    await alice.page.getByLabel('Max members').fill('5');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    roomUrl = new URL(alice.page.url()).pathname;
    await transcript(alice.page).waitFor();
    await alice.page.waitForFunction(() => document.body.dataset.connection === 'connected');

    // No reload: the room arrives over Bob's socket, its title as text (not markup).
    const link = bob.page.getByRole('link', { name: 'Cats & <b>GIFs</b>' });
    await link.waitFor();
    assert.equal(await bob.page.getByText('No rooms yet').isVisible(), false);
    await bob.page.locator('.room-card', { has: link }).getByText(/\/5$/).waitFor();
  });

  test('two visitors chat both ways', async () => {
    await bob.page.getByRole('link', { name: 'Cats & <b>GIFs</b>' }).click();
    await bob.page.waitForURL(`**${roomUrl}`);
    const aliceName = await nicknameOf(alice.page);
    const bobName = await nicknameOf(bob.page);
    await bob.page.getByRole('list', { name: 'Members' }).getByText(aliceName).waitFor();
    await alice.page.getByRole('list', { name: 'Members' }).getByText(bobName).waitFor();

    const aliceBox = alice.page.getByRole('textbox', { name: 'Message' });
    await aliceBox.fill('Hello <i>Bob</i>');
    await aliceBox.press('Enter');
    await transcript(bob.page).getByText('Hello <i>Bob</i>').waitFor();

    const bobBox = bob.page.getByRole('textbox', { name: 'Message' });
    await bobBox.fill('Hi Alice');
    await bobBox.press('Shift+Enter');
    await bobBox.pressSequentially('second line');
    assert.equal(await bobBox.inputValue(), 'Hi Alice\nsecond line');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    await transcript(alice.page).getByText('second line').waitFor();

    // Each message once, with its author, and mine on the right once the server confirmed it.
    const mine = transcript(alice.page).locator('.msg', { hasText: 'Hello <i>Bob</i>' });
    await mine.and(alice.page.locator('[data-message-id]')).waitFor();
    assert.equal(await mine.count(), 1);
    assert.match((await mine.getAttribute('class')) ?? '', /is-mine/);
    assert.equal((await mine.locator('.msg-author').textContent())?.trim(), aliceName);
    const theirs = transcript(alice.page).locator('.msg', { hasText: 'second line' });
    assert.doesNotMatch((await theirs.getAttribute('class')) ?? '', /is-mine/);
    assert.equal((await theirs.locator('.msg-author').textContent())?.trim(), bobName);
    assert.equal(await bobBox.inputValue(), '');
  });

  test('a GIF uploaded by one visitor appears for the other', async () => {
    const aliceName = await nicknameOf(alice.page);
    await alice.page
      .getByLabel('Upload GIF')
      .setInputFiles({ name: 'smile.gif', mimeType: 'image/gif', buffer: gifBytes(48, 48) });
    const img = bob.page.getByRole('img', { name: `GIF from ${aliceName}` });
    await img.waitFor();
    assert.equal(await img.getAttribute('width'), '48');
    assert.equal(await img.getAttribute('height'), '48');
    assert.match((await img.getAttribute('src')) ?? '', /^\/gif\//);
    await bob.page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('.gif-link img');
      return el !== null && el.complete && el.naturalWidth > 0;
    });
    // The uploader sees it once, even though it came back both as the HTTP answer and a frame.
    await alice.page.getByRole('img', { name: `GIF from ${aliceName}` }).waitFor();
    assert.equal(await alice.page.locator('.gif-link img').count(), 1);
  });

  test('a file that is not a GIF is refused in the browser with a clear message', async () => {
    await bob.page
      .getByLabel('Upload GIF')
      .setInputFiles({ name: 'notes.gif', mimeType: 'image/gif', buffer: Buffer.from('just text') });
    await bob.page.getByRole('alert').filter({ hasText: 'notes.gif is not a GIF' }).waitFor();
    assert.equal(await bob.page.locator('.gif-link img').count(), 1);
  });

  test('drag-and-drop and paste upload GIFs too', async () => {
    const bytes = [...gifBytes(32, 32)];
    await bob.page.evaluate((data) => {
      const file = new File([new Uint8Array(data)], 'dropped.gif', { type: 'image/gif' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const room = document.getElementById('room')!;
      room.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      room.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await alice.page.locator('.gif-link img').nth(1).waitFor();

    await bob.page.getByRole('textbox', { name: 'Message' }).focus();
    await bob.page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'pasted.gif', { type: 'image/gif' }));
      document.activeElement!.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await alice.page.locator('.gif-link img').nth(2).waitFor();
    assert.equal(await bob.page.locator('.gif-link img').count(), 3);
  });

  test('a reload shows the history', async () => {
    await bob.page.reload();
    await transcript(bob.page).getByText('Hello <i>Bob</i>').waitFor();
    await transcript(bob.page).getByText('second line').waitFor();
    assert.equal(await bob.page.locator('.gif-link img').count(), 3);
    assert.equal(await transcript(bob.page).locator('.msg', { hasText: 'Hi Alice' }).count(), 1);
  });

  test('screenshots, and no horizontal scroll on a 360 px phone', async () => {
    await screenshot(alice.page, 'room-desktop');
    await alice.page.goto('/');
    await alice.page.getByRole('link', { name: 'Cats & <b>GIFs</b>' }).waitFor();
    await screenshot(alice.page, 'lobby-desktop');

    const phone = await newVisitor(browser, server.baseUrl, { width: 360, height: 740 });
    try {
      for (const [path, name] of [
        ['/', 'lobby-phone'],
        [roomUrl, 'room-phone'],
        ['/room', null],
      ] as const) {
        await phone.page.goto(path);
        await phone.page.locator('main').waitFor();
        if (path === roomUrl) await phone.page.getByRole('list', { name: 'Members' }).locator('li').first().waitFor();
        if (name) await screenshot(phone.page, name);
        const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${path} is ${width}px wide at a 360px viewport`);
      }
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });

  test('a private room asks for its password first', async () => {
    await alice.page.goto('/room');
    await alice.page.getByLabel('Title').fill('Secret club');
    await alice.page.getByLabel('Password').fill('open sesame');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    const secretUrl = new URL(alice.page.url()).pathname;

    await bob.page.goto('/');
    const card = bob.page.locator('.room-card', { has: bob.page.getByRole('link', { name: 'Secret club' }) });
    await card.getByRole('img', { name: 'private' }).waitFor();
    await bob.page.getByRole('link', { name: 'Secret club' }).click();
    await bob.page.getByLabel('Password').fill('open sesame');
    await bob.page.getByRole('button', { name: 'Enter' }).click();
    await bob.page.waitForURL(`**${secretUrl}`);
    await transcript(bob.page).waitFor();
    await bob.page
      .getByRole('list', { name: 'Members' })
      .getByText(await nicknameOf(alice.page))
      .waitFor();
  });

  test('the owner changes the password from the room; the old one stops working', async () => {
    // Alice owns "Secret club" (previous test) and is on its page.
    await bob.page.getByRole('link', { name: 'Leave room' }).click();
    const panel = alice.page.locator('#password-panel');
    await panel.getByText('Room password').click();
    await alice.page.getByLabel('New password').fill('new sesame');
    await alice.page.getByRole('button', { name: 'Set password' }).click();
    await transcript(alice.page).waitFor();
    const secretUrl = new URL(alice.page.url()).pathname;

    const carol = await newVisitor(browser, server.baseUrl);
    try {
      await carol.page.goto(secretUrl);
      await carol.page.getByLabel('Password').fill('open sesame');
      await carol.page.getByRole('button', { name: 'Enter' }).click();
      await carol.page.getByRole('alert').waitFor();
      await carol.page.getByLabel('Password').fill('new sesame');
      await carol.page.getByRole('button', { name: 'Enter' }).click();
      await carol.page.waitForURL(`**${secretUrl}`);
      await transcript(carol.page).waitFor();
      // Nobody but the owner is offered the form.
      assert.equal(await carol.page.locator('#password-panel').isHidden(), true);
    } finally {
      await carol.context.close();
    }
  });

  test('no console errors on any page the visitors used', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
