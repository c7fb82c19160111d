// A long session keeps a bounded transcript: while the reader follows the newest, the oldest
// messages leave the DOM (500 are kept), the history hint comes back, and scrolling up brings
// the ones that left back from the server, in place order, each once, letting the newest go in
// turn (test/page/newer-window.test.ts follows the way back down in a busy room).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, UNBUDGETED, type TestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { closeAll, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';

/** DOM_MESSAGES_KEPT in src/client/transcript.ts. */
const KEPT = 500;
const CHATS = KEPT + 150;

describe('a long transcript in a browser', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let reader: Visit;
  let poster: Visitor;
  let socket: TestSocket;
  let roomId: string;

  const shown = (page: Page) =>
    page.locator('#transcript [data-message-id]').evaluateAll((nodes) =>
      nodes.map((n) => ({
        seq: Number((n as HTMLElement).dataset.seq),
        text: n.querySelector('.msg-chat .msg-text, .msg-text')?.textContent ?? '',
      })),
    );
  const post = async (text: string) => {
    const res = await poster.postJson(`/room/${roomId}/chat`, { chat: text });
    assert.equal(res.status, 201, await res.text());
  };
  /** Chats `from`..`to` over the poster's socket, 50 in flight, in order; resolves when all are stored. */
  const chatOver = async (from: number, to: number) => {
    for (let i = from; i <= to; i += 50) {
      const last = Math.min(to, i + 49);
      for (let n = i; n <= last; n++) socket.send({ type: 'chat', roomId, text: `chat ${n}`, clientId: `c${n}` });
      await socket.until((frames) => frames.some((f) => f.type === 'ack' && f.clientId === `c${last}`), 20_000);
    }
  };
  const atBottom = (page: Page) =>
    page.waitForFunction(() => {
      const s = document.getElementById('scroller')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 5;
    });

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(UNBUDGETED), launchBrowser()]);
    poster = await Visitor.create(server.baseUrl);
    roomId = await poster.createRoom('A long day');
    socket = await poster.enter(roomId);
    reader = await newVisitor(browser, server.baseUrl, { width: 900, height: 600 });
  });

  after(async () => {
    await closeAll(browser, server);
  });

  test('older messages leave the DOM while the reader follows the newest', async () => {
    await reader.page.goto(`/room/${roomId}`);
    await reader.page.waitForFunction(() => document.body.dataset.connection === 'connected');
    await reader.page.getByText('This is the start of the room.').waitFor();
    await chatOver(1, CHATS);
    await reader.page.getByRole('log').getByText(`chat ${CHATS}`, { exact: true }).waitFor();
    await atBottom(reader.page);

    const messages = await shown(reader.page);
    assert.equal(messages.length, KEPT, 'only the newest are kept');
    assert.equal(messages.at(-1)?.text, `chat ${CHATS}`);
    assert.equal(messages[0]?.text, `chat ${CHATS - KEPT + 1}`);
    assert.deepEqual(
      messages.map((m) => m.seq),
      [...messages.map((m) => m.seq)].sort((a, b) => a - b),
    );
    // The new oldest opens with its day, and the hint says there is more above.
    assert.equal(
      await reader.page.locator('#transcript > :first-child').evaluate((n) => n.classList.contains('day-sep')),
      true,
    );
    await reader.page.getByText('Scroll up for older messages').waitFor();
    assert.equal(reader.errors.length, 0, reader.errors.join('\n'));
  });

  test('scrolling up brings the messages that left back, in order, each once, and lets the newest go', async () => {
    const scroller = reader.page.locator('#scroller');
    for (let round = 0; round < 20; round++) {
      if (await reader.page.getByText('This is the start of the room.').isVisible()) break;
      await scroller.evaluate((s) => s.scrollTo({ top: 0 }));
      await reader.page.waitForTimeout(200);
    }
    await reader.page.getByText('This is the start of the room.').waitFor();
    const messages = await shown(reader.page);
    const chats = messages.map((m) => m.text).filter((text) => text.startsWith('chat '));
    // The window's worth from the start: the newest left on the way up.
    assert.ok(messages.length <= KEPT + 50, `${messages.length} shown`);
    assert.deepEqual(
      chats,
      Array.from({ length: chats.length }, (_, i) => `chat ${i + 1}`),
    );
    assert.ok(chats.length < CHATS);
    assert.deepEqual(
      messages.map((m) => m.seq),
      [...messages.map((m) => m.seq)].sort((a, b) => a - b),
    );
    assert.equal(await reader.page.locator('#transcript .day-sep').count(), 1, 'one day, one separator');
  });

  test('back at the bottom, new messages cut the transcript back down', async () => {
    // Newer pages bring the newest back on the way down; the last of them reaches the end.
    const scroller = reader.page.locator('#scroller');
    for (let round = 0; round < 40; round++) {
      await scroller.evaluate((s) => s.scrollTo({ top: s.scrollHeight }));
      await reader.page.waitForTimeout(150);
      const last = (await shown(reader.page)).at(-1)?.text;
      if (last === `chat ${CHATS}` && (await reader.page.locator('#new-messages').isHidden())) break;
    }
    await scroller.evaluate((s) => s.scrollTo({ top: s.scrollHeight }));
    await atBottom(reader.page);
    // Following again: the frame after each new message lets the oldest go, so 500 stay.
    const count = () => reader.page.locator('#transcript [data-message-id]').count();
    let last = 0;
    while (last < 10 && (last < 3 || (await count()) !== KEPT)) {
      last += 1;
      await post(`later ${last}`);
      await reader.page.getByRole('log').getByText(`later ${last}`, { exact: true }).waitFor();
      await reader.page.waitForTimeout(100);
    }
    assert.equal(await count(), KEPT);
    await atBottom(reader.page);
    const messages = await shown(reader.page);
    assert.equal(messages.at(-1)?.text, `later ${last}`);
    assert.equal(reader.errors.length, 0, reader.errors.join('\n'));
  });
});
