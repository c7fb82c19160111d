// Script payloads in a room title, a nickname and messages, seen in real Chromium both ways they
// reach a page: rendered by the server (lobby, history) and built by the browser code from live
// frames. The test looks at the DOM, not only at whether a script ran, so it would also catch an
// innerHTML that the Content-Security-Policy happened to stop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { closeAll, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';

const connected = () => document.body.dataset.connection === 'connected';

const TITLE = '<img src=x onerror="window.__xss=1">';
const NICKNAME = '<svg/onload=__xss=1>';
const MESSAGES = [
  '<script>window.__xss = 1</script>',
  '"><img src=x onerror=window.__xss=1>',
  '<a href="javascript:window.__xss=1">click</a>',
  '{{ 7*7 }} ${7*7} <iframe srcdoc="<script>parent.__xss=1</script>">',
];
/** Elements none of the payloads may become (the page's own strings ride in a JSON script element). */
const INJECTED =
  'img[src="x"], script:not([src]):not([type="application/json"]), svg[onload], iframe, a[href^="javascript:"]';

describe('hostile content in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Visit;
  let bob: Visit;

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    [alice, bob] = await Promise.all([newVisitor(browser, server.baseUrl), newVisitor(browser, server.baseUrl)]);
  });
  after(async () => {
    await closeAll(browser, server);
  });

  /** Posts as the browser's own session (its cookie), with the CSRF token the page would send. */
  async function api(visit: Visit, path: string, body: unknown): Promise<unknown> {
    const { csrfToken } = (await (await visit.context.request.get('/me')).json()) as { csrfToken: string };
    const res = await visit.context.request.post(path, {
      data: body,
      headers: { 'x-csrf-token': csrfToken, origin: server.baseUrl, accept: 'application/json' },
    });
    assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  }

  async function assertInert(page: Page): Promise<void> {
    assert.equal(await page.evaluate(() => (window as Window & { __xss?: unknown }).__xss), undefined, 'a payload ran');
    assert.equal(
      await page.evaluate((sel) => document.querySelectorAll(sel).length, INJECTED),
      0,
      'a payload became markup',
    );
  }

  test('titles, nicknames and messages render as text, from the server and from live frames', async () => {
    await bob.page.goto('/');
    await bob.page.waitForFunction(connected);

    await api(alice, '/me/nickname', { nickname: NICKNAME });
    const { room } = (await api(alice, '/room', { title: TITLE, max: 5 })) as { room: { id: string } };
    // Live: the lobby learns of the room over Bob's socket.
    await bob.page.getByRole('link', { name: TITLE }).waitFor();
    await assertInert(bob.page);

    await alice.page.goto(`/room/${room.id}`);
    await alice.page.waitForFunction(connected);
    for (const text of MESSAGES.slice(0, 2)) await api(alice, `/room/${room.id}/chat`, { chat: text });

    // Server-rendered: a fresh lobby and the room's history.
    await bob.page.goto('/');
    await bob.page.getByRole('link', { name: TITLE }).waitFor();
    await assertInert(bob.page);
    await bob.page.getByRole('link', { name: TITLE }).click();
    const log = bob.page.getByRole('log');
    for (const text of MESSAGES.slice(0, 2)) await log.getByText(text, { exact: true }).waitFor();
    await bob.page.getByRole('list', { name: 'Members' }).getByText(NICKNAME).waitFor();
    await assertInert(bob.page);

    // Live frames: typed in Alice's browser, built by Bob's browser code.
    const box = alice.page.getByRole('textbox', { name: 'Message' });
    for (const text of MESSAGES.slice(2)) {
      await box.fill(text);
      await box.press('Enter');
      await log.getByText(text, { exact: true }).waitFor();
    }
    assert.ok((await log.getByText(NICKNAME, { exact: true }).count()) >= 1, 'the author name shows as text');
    await assertInert(bob.page);
    await assertInert(alice.page);
    // Not even a blocked attempt: a Content-Security-Policy report would show up here.
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });
});
