// The browser's Transcript in Chromium, fed as a room page feeds it after a reconnect: live
// messages arriving while the catch-up still brings older ones (so most catch-up messages land
// in the middle), my pending bubbles replaced by their confirmed copies, and pages of history in
// any order. Hundreds of messages over three weeks: the log must hold them in id order with a
// separator before each new day and nowhere else, and adding one must touch only its neighbours.
// Letting the newest or the oldest go (the window of live-window.ts) keeps the same rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { MessageView, UserView } from '../../src/shared/protocol.js';
import { launchBrowser, repoRoot, skipBrowserTests } from '../helpers/browser.js';
import { planCatchUp, randomMessages, type Entry, type Step } from './transcript-plan.js';

interface TranscriptUnderTest {
  add(message: MessageView, replacing?: HTMLElement): HTMLElement | null;
  addMany(messages: MessageView[]): number;
  appendPending(node: HTMLElement): void;
  newestId(): string | undefined;
  oldestId(): string | undefined;
  dropNewest(keep: number): number;
  dropOldest(keep: number): number;
  readonly detached: boolean;
}
interface Bundle {
  Transcript: new (log: HTMLElement, meId: string) => TranscriptUnderTest;
  messageElement(m: MessageView, meId: string): HTMLElement;
  pendingElement(text: string, me: UserView, clientId: string): HTMLElement;
}
type Window_ = Window & { bundle: Bundle; transcript: TranscriptUnderTest };

const ME: UserView = { id: 'me', nickname: 'me', color: 'hsl(1 50% 45%)' };

/** The transcript module and what builds its nodes, bundled from the sources as the app's bundle is. */
async function bundleSource(): Promise<string> {
  const out = await build({
    stdin: {
      contents:
        "export { Transcript } from './src/client/transcript';\n" +
        "export { messageElement, pendingElement } from './src/client/message-view';\n",
      resolveDir: repoRoot(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'bundle',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Runs the steps in the page; the log as entries afterwards, and what each step returned. */
function run(page: Page, steps: Step[]): Promise<{ entries: Entry[]; returned: Array<number | boolean> }> {
  return page.evaluate(
    ({ steps, me }) => {
      const w = window as unknown as Window_;
      const log = document.getElementById('transcript')!;
      const pending = new Map<string, HTMLElement>();
      const returned: Array<number | boolean> = [];
      for (const step of steps) {
        if (step.op === 'render') {
          for (const m of step.messages) log.append(w.bundle.messageElement(m, me.id));
          w.transcript = new w.bundle.Transcript(log, me.id);
        } else if (step.op === 'pending') {
          const node = w.bundle.pendingElement(`pending ${step.clientId}`, me, step.clientId);
          pending.set(step.clientId, node);
          w.transcript.appendPending(node);
        } else if (step.op === 'add') {
          const replacing = step.message.clientId ? pending.get(step.message.clientId) : undefined;
          returned.push(w.transcript.add(step.message, replacing) !== null);
        } else if (step.op === 'addMany') {
          returned.push(w.transcript.addMany(step.messages));
        } else if (step.op === 'dropNewest') {
          returned.push(w.transcript.dropNewest(step.keep), w.transcript.detached);
        } else {
          returned.push(w.transcript.dropOldest(step.keep));
        }
      }
      const entries = [...log.children].map((child): Entry => {
        const node = child as HTMLElement;
        if (node.classList.contains('day-sep')) return { sep: node.dataset.day ?? '' };
        return {
          id: node.dataset.messageId ?? `pending:${node.dataset.clientId ?? ''}`,
          createdAt: node.dataset.createdAt ?? '',
          authorId: node.dataset.authorId ?? '',
          system: node.classList.contains('msg-system'),
          continued: node.classList.contains('is-continued'),
        };
      });
      return { entries, returned };
    },
    { steps, me: ME },
  );
}

/** The elements whose class list or data attributes were read while adding `message`. */
function touchedBy(page: Page, message: MessageView): Promise<number> {
  return page.evaluate((message) => {
    const w = window as unknown as Window_;
    const touched = new Set<object>();
    const watch = (proto: object, name: string) => {
      const original = Object.getOwnPropertyDescriptor(proto, name)!;
      Object.defineProperty(proto, name, {
        configurable: true,
        get(this: object) {
          touched.add(this);
          return original.get!.call(this) as unknown;
        },
      });
      return () => Object.defineProperty(proto, name, original);
    };
    const restore = [watch(Element.prototype, 'classList'), watch(HTMLElement.prototype, 'dataset')];
    try {
      w.transcript.add(message);
    } finally {
      for (const r of restore) r();
    }
    return touched.size;
  }, message);
}

/** What the log must look like: the messages in this order, each day opened by its separator. */
function expected(messages: Entry[]): Entry[] {
  const dayOf = (iso: string) => {
    const d = new Date(iso);
    return `${d.getUTCFullYear()}-${d.getUTCMonth()}-${d.getUTCDate()}`;
  };
  const out: Entry[] = [];
  let previous: Extract<Entry, { id: string }> | undefined;
  for (const m of messages) {
    if (!('id' in m)) continue;
    const day = dayOf(m.createdAt);
    const sameDay = previous !== undefined && dayOf(previous.createdAt) === day;
    if (!sameDay) out.push({ sep: day });
    const gap = previous ? Date.parse(m.createdAt) - Date.parse(previous.createdAt) : -1;
    const continued =
      sameDay &&
      !m.system &&
      !previous!.system &&
      m.authorId !== '' &&
      m.authorId === previous!.authorId &&
      gap >= 0 &&
      gap < 5 * 60_000;
    out.push({ ...m, continued });
    previous = m;
  }
  return out;
}

describe('the transcript keeps order and days however messages arrive', { skip: skipBrowserTests }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    const [source, launched] = await Promise.all([bundleSource(), launchBrowser()]);
    browser = launched;
    // Days are told apart in the reader's time zone: UTC here, so the test can say where they turn.
    const context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US' });
    page = await context.newPage();
    await page.setContent('<html lang="en"><body><div id="transcript"></div></body></html>');
    await page.addScriptTag({ content: source });
  });
  after(async () => {
    await browser.close();
  });

  const all = randomMessages(600, ME);

  test('catch-up behind live messages, replaced bubbles and shuffled history end in place order', async () => {
    const { steps, confirmedPending } = planCatchUp(all);
    const { entries, returned } = await run(page, steps);
    const messages = entries.filter((e) => 'id' in e);
    assert.deepEqual(
      messages.map((m) => m.id),
      [...all.map((m) => m.id), 'pending:never-confirmed'],
      'every message once, oldest first, the unconfirmed bubble last',
    );
    assert.deepEqual(entries, expected(messages), 'a separator before each new day, and continuations');
    assert.ok(entries.filter((e) => 'sep' in e).length > 10, 'the messages span many days');
    assert.equal(returned.filter((r) => r === false).length, 3, 'repeats are not added again');
    assert.equal(confirmedPending, 2);
  });

  test('adding a message reads only the nodes around its place', async () => {
    const last = all.at(-1)!;
    const newest = {
      ...last,
      id: 'f'.repeat(24),
      seq: last.seq + 2,
      clientId: null,
      createdAt: new Date().toISOString(),
    };
    // Between two shown messages (their places are even, so an odd one falls between).
    const middle = { ...all[300]!, id: `${all[300]!.id.slice(0, 23)}8`, seq: all[300]!.seq + 1 };
    assert.ok(middle.seq > all[300]!.seq && middle.seq < all[301]!.seq);
    for (const m of [newest, middle]) {
      const touched = await touchedBy(page, m);
      assert.ok(touched <= 12, `adding ${m.id} read ${touched} of 600 nodes`);
    }
    const { entries } = await run(page, []);
    assert.deepEqual(entries, expected(entries.filter((e) => 'id' in e)));
  });

  test('letting the newest go, then the oldest, keeps days and continuations; my bubbles stay last', async () => {
    const shownIds = async (steps: Step[]) => {
      const { entries, returned } = await run(page, steps);
      const messages = entries.filter((e) => 'id' in e);
      assert.deepEqual(entries, expected(messages), 'a separator before each new day, and continuations');
      return { ids: messages.map((m) => m.id), returned };
    };
    const ids = (from: number, to: number) => all.slice(from, to).map((m) => m.id);
    // A fresh log (the tests above leave theirs).
    await page.evaluate(() => document.getElementById('transcript')!.replaceChildren());
    // Cut where a day turns and where it does not, to see the separators go with their messages.
    const dayTurn = all.findIndex((m, i) => i > 200 && m.createdAt.slice(0, 10) !== all[i - 1]!.createdAt.slice(0, 10));
    const window = await shownIds([
      { op: 'render', messages: all },
      { op: 'pending', clientId: 'still-sending' },
      { op: 'dropNewest', keep: dayTurn },
    ]);
    assert.deepEqual(window.ids, [...ids(0, dayTurn), 'pending:still-sending']);
    assert.deepEqual(window.returned, [all.length - dayTurn, true], 'how many left; detached');
    const down = await shownIds([
      { op: 'addMany', messages: all.slice(dayTurn, dayTurn + 50) },
      { op: 'dropOldest', keep: 150 },
      { op: 'dropNewest', keep: 149 },
    ]);
    assert.deepEqual(down.ids, [...ids(dayTurn + 50 - 150, dayTurn + 49), 'pending:still-sending']);
    assert.deepEqual(down.returned, [50, dayTurn + 50 - 150, 1, true]);
    const none = await shownIds([{ op: 'dropNewest', keep: 0 }]);
    assert.deepEqual(none.ids, ['pending:still-sending'], 'the bubble stays, opening its own day');
  });
});
