// The transcript is a window on a busy room in both directions: while someone sends steadily, the
// reader scrolls up through older pages (the newest leave, and live messages wait), comes back down
// through newer pages to the live end, jumps there with the "New messages" button, and sends from
// deep in history. The DOM never holds more than the window and a page, and what it holds is
// always an unbroken run of the room's history as the server has it: in order, none twice, none
// missing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, UNBUDGETED, type TestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { closeAll, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';

/** DOM_MESSAGES_KEPT in src/client/transcript.ts, and one page of history. */
const KEPT = 500;
const BOUND = KEPT + 50;
const FILL = 800;
/** The steady sender's pace: 20 chats a second. */
const EVERY_MS = 50;

interface Shown {
  id: string;
  seq: number;
  text: string;
}

describe('a windowed transcript in a busy room', { skip: skipBrowserTests }, () => {
  let server: TestServer;
  let browser: Browser;
  let reader: Visit;
  let poster: Visitor;
  let socket: TestSocket;
  let roomId: string;
  let sent = 0;
  let sender: NodeJS.Timeout | undefined;
  /** Ids of messages the reader was shown and that were deleted afterwards (not in the history). */
  const deleted = new Set<string>();
  /** The history pages the reader asked for: `before`, `after`, or (neither) the latest. */
  const asked = { before: 0, after: 0, latest: 0 };

  const shown = (page: Page): Promise<Shown[]> =>
    page.locator('#transcript [data-message-id]').evaluateAll((nodes) =>
      nodes.map((n) => {
        const node = n as HTMLElement;
        return {
          id: node.dataset.messageId ?? '',
          seq: Number(node.dataset.seq),
          text: node.querySelector('.msg-text')?.textContent ?? '',
        };
      }),
    );
  /** The room's whole history as the server gives it (the poster sees what the reader sees). */
  const history = async (): Promise<string[]> => {
    const ids: string[] = [];
    let page = await poster.history(roomId, '?limit=100');
    for (;;) {
      ids.unshift(...page.messages.map((m) => m.id));
      if (!page.hasMore) return ids;
      page = await poster.history(roomId, `?before=${page.messages[0]!.id}&limit=100`);
    }
  };
  /**
   * What the DOM holds is one unbroken run of the history, in order, each once, and it never held
   * more than the bound (measured in the page after every change). Asked a few times
   * a moment apart: a message stored late into a page's range takes its place when its live copy
   * comes, a few milliseconds after the page.
   */
  const assertRun = async (label: string): Promise<Shown[]> => {
    let problem = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const [dom, ids] = [await shown(reader.page), await history()];
      problem = runProblem(dom, ids);
      const most = await maxShown();
      assert.ok(most <= BOUND, `${label}: at most ${BOUND} messages at once, saw ${most}`);
      if (!problem) return dom;
      await sleep(300);
    }
    assert.fail(`${label}: ${problem}`);
  };
  const runProblem = (dom: Shown[], ids: string[]): string => {
    const domIds = dom.map((m) => m.id);
    if (new Set(domIds).size !== domIds.length) return 'a message is shown twice';
    const start = ids.indexOf(domIds[0] ?? '');
    if (start < 0) return `the oldest shown (${domIds[0]}) is not in the history`;
    const expected = ids.slice(start, start + domIds.length);
    const at = domIds.findIndex((id, i) => id !== expected[i]);
    return at < 0 ? '' : `at ${at} of ${domIds.length}: shown ${domIds[at]}, history has ${expected[at]}`;
  };
  /** Chats `<label> 1`..`<label> count` over the poster's socket, 50 in flight; resolves when all are stored. */
  const chatOver = async (label: string, count: number) => {
    for (let i = 1; i <= count; i += 50) {
      const last = Math.min(count, i + 49);
      for (let n = i; n <= last; n++)
        socket.send({ type: 'chat', roomId, text: `${label} ${n}`, clientId: `${label}${n}` });
      await socket.until((frames) => frames.some((f) => f.type === 'ack' && f.clientId === `${label}${last}`), 20_000);
    }
  };
  const scrollTo = (where: 'top' | 'bottom') =>
    reader.page.locator('#scroller').evaluate((s, w) => s.scrollTo({ top: w === 'top' ? 0 : s.scrollHeight }), where);
  const maxShown = () => reader.page.evaluate(() => (window as unknown as { maxShown: number }).maxShown);
  const logText = (text: string) => reader.page.getByRole('log').getByText(text, { exact: true });
  /** Scrolls up, page by page, until the older pages have let the newest go. */
  const scrollUpUntilDetached = async () => {
    await waitFor(
      async () => {
        await scrollTo('top');
        await sleep(150);
        return reader.page.locator('#new-messages').isVisible();
      },
      30_000,
      'the older pages to let the newest go',
    );
  };

  before(async () => {
    [server, browser] = await Promise.all([startTestServer(UNBUDGETED), launchBrowser()]);
    poster = await Visitor.create(server.baseUrl);
    roomId = await poster.createRoom('A busy room');
    socket = await poster.enter(roomId);
    // The room's past.
    await chatOver('old', FILL);
    socket.frames.length = 0;
    reader = await newVisitor(browser, server.baseUrl, { width: 900, height: 600 });
    reader.page.on('request', (req) => {
      const url = new URL(req.url());
      if (!url.pathname.endsWith('/messages')) return;
      if (url.searchParams.has('before')) asked.before += 1;
      else if (url.searchParams.has('after')) asked.after += 1;
      else asked.latest += 1;
    });
    await reader.page.goto(`/room/${roomId}`);
    await reader.page.waitForFunction(() => document.body.dataset.connection === 'connected');
    // The most the DOM ever held, measured after every change to the log (and so after each cut).
    await reader.page.evaluate(() => {
      const w = window as unknown as { maxShown: number };
      const log = document.getElementById('transcript')!;
      const count = () => log.querySelectorAll('[data-message-id]').length;
      w.maxShown = count();
      new MutationObserver(() => (w.maxShown = Math.max(w.maxShown, count()))).observe(log, { childList: true });
    });
    // And from now on, someone keeps talking.
    sender = setInterval(() => {
      sent += 1;
      socket.send({ type: 'chat', roomId, text: `live ${sent}`, clientId: `l${sent}` });
      // Keep only the frames a test waits for: the socket's queue would grow all along.
      if (socket.frames.length > 3000) socket.frames.splice(0, 2000);
    }, EVERY_MS);
  });

  after(async () => {
    clearInterval(sender);
    await closeAll(browser, server);
  });

  test('scrolling up to the start keeps the window bounded and lets live messages wait', async () => {
    for (let round = 0; round < 40; round++) {
      if (await reader.page.getByText('This is the start of the room.').isVisible()) break;
      await scrollTo('top');
      await sleep(150);
    }
    await reader.page.getByText('This is the start of the room.').waitFor();
    const dom = await assertRun('at the start');
    assert.ok(dom.length <= BOUND, `${dom.length} shown`);
    assert.equal(dom.find((m) => m.text.startsWith('old '))?.text, 'old 1');
    assert.ok(!dom.some((m) => m.text.startsWith('live ')), 'live messages are not put after the window');
    // The button stands for everything below the window.
    await reader.page.getByRole('button', { name: /^New messages/ }).waitFor();
    await waitFor(
      async () => /\(\d+\)/.test((await reader.page.locator('#new-messages').textContent()) ?? ''),
      5000,
      'the live ones counted',
    );
  });

  test('scrolling back down brings every message back, in order, none twice, to the live end', async () => {
    // Taken back while nobody shows them: one far below the window, and the window's newest.
    const beyond = await poster.history(roomId, '?limit=1');
    const windowNewest = (await shown(reader.page)).at(-1)!;
    for (const id of [beyond.messages[0]!.id, windowNewest.id]) {
      const res = await poster.fetch(`/room/${roomId}/messages/${id}`, { method: 'DELETE' });
      assert.equal(res.status, 204);
      deleted.add(id);
    }
    await reader.page.locator(`[data-message-id="${windowNewest.id}"]`).waitFor({ state: 'detached' });

    const seen = new Map<string, number>();
    const newerAsked = asked.after;
    for (const m of await shown(reader.page)) seen.set(m.id, m.seq);
    const firstSent = sent;
    await waitFor(
      async () => {
        await scrollTo('bottom');
        await sleep(150);
        const dom = await shown(reader.page);
        for (const m of dom) seen.set(m.id, m.seq);
        if (runProblem(dom, await history())) await assertRun('on the way down');
        const atEnd = dom.some((m) => m.text === `live ${firstSent}`);
        return atEnd && (await reader.page.locator('#new-messages').isHidden());
      },
      60_000,
      'the live end',
    );
    const ids = await history();
    const seenInOrder = [...seen.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const from = ids.indexOf(seenInOrder[0]!);
    assert.equal(from, 0, 'from the start of the room');
    assert.deepEqual(
      seenInOrder,
      ids.slice(from, ids.indexOf(seenInOrder.at(-1)!) + 1),
      'every message came back on the way down',
    );
    assert.ok(!seenInOrder.some((id) => deleted.has(id)), 'the deleted stay away');
    assert.ok(asked.after - newerAsked >= (FILL - KEPT) / 50, `newer pages brought them (${asked.after - newerAsked})`);
    // Attached again: the live messages come in at the end as the reader follows.
    const now = sent;
    await logText(`live ${now + 5}`).waitFor();
    await assertRun('at the live end');
    assert.equal(reader.errors.length, 0, reader.errors.join('\n'));
  });

  test('the New messages button jumps from deep history to the newest and follows it', async () => {
    await scrollUpUntilDetached();
    const button = reader.page.getByRole('button', { name: /^New messages/ });
    const before = sent;
    const latestAsked = asked.latest;
    await button.click();
    await logText(`live ${before + 3}`).waitFor();
    await reader.page.waitForFunction(() => {
      const s = document.getElementById('scroller')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 50;
    });
    assert.equal(asked.latest, latestAsked + 1, 'one page: the latest');
    await assertRun('after the jump');
    await button.waitFor({ state: 'hidden' });
  });

  test('reading a little way up while the room talks: the window stays bounded, and the way down catches up', async () => {
    // Following at the end (after the jump); the reader scrolls up a few lines and stays there.
    await reader.page.locator('#new-messages').waitFor({ state: 'hidden' });
    await reader.page.locator('#scroller').evaluate((s) => s.scrollTo({ top: s.scrollHeight - s.clientHeight - 300 }));
    // A burst on top of the steady twenty a second: far past the window and a page.
    await chatOver('burst', KEPT + 100);
    const count = () => reader.page.locator('#transcript [data-message-id]').count();
    assert.ok((await count()) <= BOUND, `${await count()} shown`);
    const dom = await shown(reader.page);
    assert.ok(!dom.some((m) => m.text === `burst ${KEPT + 100}`), 'the newest wait below the window');
    await reader.page.getByRole('button', { name: /^New messages \(\d+\)$/ }).waitFor();
    await assertRun('while reading');

    await waitFor(
      async () => {
        await scrollTo('bottom');
        await sleep(150);
        return (
          (await logText(`burst ${KEPT + 100}`).count()) === 1 &&
          (await reader.page.locator('#new-messages').isHidden())
        );
      },
      30_000,
      'the live end again',
    );
    await assertRun('caught up');
  });

  test('a message sent from deep history goes to the live end and is confirmed there', async () => {
    await scrollUpUntilDetached();
    const composer = reader.page.getByRole('textbox', { name: 'Message' });
    await composer.fill('hello from the archives');
    await composer.press('Enter');
    const mine = reader.page.locator('#transcript [data-message-id]', { hasText: 'hello from the archives' });
    await mine.waitFor();
    assert.equal(await reader.page.locator('#transcript .is-pending').count(), 0, 'no bubble left pending');
    const before = sent;
    await logText(`live ${before + 3}`).waitFor();
    const dom = await assertRun('after sending');
    assert.equal(dom.filter((m) => m.text === 'hello from the archives').length, 1);

    clearInterval(sender);
    const last = `live ${sent}`;
    await logText(last).waitFor();
    const final = await assertRun('when the room is quiet');
    const ids = await history();
    assert.deepEqual(
      final.map((m) => m.id),
      ids.slice(-final.length),
      'the window ends at the newest',
    );
    assert.equal(reader.errors.length, 0, reader.errors.join('\n'));
  });
});
