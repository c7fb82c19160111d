// `npm run bench:browser`: the room page under load. The real server (its own process, embedded
// database) gets a room of 5,000 chats sent over real sockets; Debian's Chromium opens the room
// page, scrolls up until the history loader has brought in all 5,000 (the transcript keeps a
// window of about 500 of them in the DOM), jumps back to the newest, and then receives 50 chats/s for 20 s from five people's sockets. Inside the page
// (page-probe.ts): frame times, long tasks, each message frame's handling cost, DOM size, from
// the first chat sent until the page has handled the last (it may fall behind).
// Prints a table and writes bench/results/browser-load.json. BROWSER_BENCH_SECONDS and
// BROWSER_BENCH_FILL shorten it; BROWSER_BENCH_RATE sets the chats per second.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, newVisitor } from '../test/helpers/browser.js';
import { openSenders } from './browser/chat-senders.js';
import {
  DOM_COUNTS,
  HANDLED,
  LOAD_ALL_HISTORY,
  PROBE_SCRIPT,
  READ_PROBE,
  START_RECORDING,
  type ProbeReading,
} from './browser/page-probe.js';
import { startBenchServer } from './lib/procs.js';
import { percentile, round, sleep } from './lib/stats.js';
import { createRoom, newSession } from './load/visitors.js';

const FILL = Number(process.env.BROWSER_BENCH_FILL) || 5000;
/** BROWSER_BENCH_RATE=0 records the same page for the same time with nothing arriving: a baseline. */
const RATE = Number(process.env.BROWSER_BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BROWSER_BENCH_SECONDS) || 20;
const SENDERS = 5;
const SETTLE_MS = 2000;
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_OUT ?? path.resolve(here, '../../bench/results');

const ms = (n: number) => round(n, 2);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function summarize(
  r: ProbeReading,
  start: { messages: number; nodes: number },
  received: number,
  handledAtEnd: number,
  caughtUpS: number,
) {
  const tenth = Math.max(1, Math.floor(r.handle.length / 10));
  const settledFrames = r.frames.filter((_, i) => r.frameAt[i]! >= SETTLE_MS);
  const settledTasks = r.longTasks.filter((_, i) => r.longTaskAt[i]! >= SETTLE_MS);
  return {
    frames: r.frames.length,
    frame_p50_ms: ms(percentile(r.frames, 50)),
    frame_p99_ms: ms(percentile(r.frames, 99)),
    frame_max_ms: ms(Math.max(0, ...r.frames)),
    frames_over_50ms: r.frames.filter((f) => f > 50).length,
    long_tasks: r.longTasks.length,
    total_blocking_ms: ms(r.longTasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
    longest_task_ms: ms(Math.max(0, ...r.longTasks)),
    messages_handled: r.handle.length,
    messages_sent: received,
    // The same after the first SETTLE_MS: once a transcript shown at the start has been cut down.
    settled_frame_p99_ms: ms(percentile(settledFrames, 99)),
    settled_frames_over_50ms: settledFrames.filter((f) => f > 50).length,
    settled_long_tasks: settledTasks.length,
    settled_total_blocking_ms: ms(settledTasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
    handle_p50_ms: ms(percentile(r.handle, 50)),
    handle_p99_ms: ms(percentile(r.handle, 99)),
    handle_max_ms: ms(Math.max(0, ...r.handle)),
    handle_first_tenth_mean_ms: ms(mean(r.handle.slice(0, tenth))),
    handle_last_tenth_mean_ms: ms(mean(r.handle.slice(-tenth))),
    handled_when_sending_ended: handledAtEnd,
    caught_up_after_s: caughtUpS,
    dom_messages_start: start.messages,
    dom_messages_end: r.messages,
    dom_nodes_start: start.nodes,
    dom_nodes_end: r.nodes,
  };
}

type Summary = ReturnType<typeof summarize>;

function table(s: Summary): string {
  const rows: Array<[string, string]> = [
    ['Frames (rAF) p50 / p99 / max', `${s.frame_p50_ms} / ${s.frame_p99_ms} / ${s.frame_max_ms} ms`],
    ['Frames longer than 50 ms', `${s.frames_over_50ms} of ${s.frames}`],
    [
      `After the first ${SETTLE_MS / 1000} s: frame p99, frames > 50 ms, long tasks, blocking`,
      `${s.settled_frame_p99_ms} ms, ${s.settled_frames_over_50ms}, ${s.settled_long_tasks}, ${s.settled_total_blocking_ms} ms`,
    ],
    [
      'Long tasks / total blocking time',
      `${s.long_tasks} / ${s.total_blocking_ms} ms (longest ${s.longest_task_ms} ms)`,
    ],
    [
      'Message frame handled (parse → in the DOM) p50 / p99 / max',
      `${s.handle_p50_ms} / ${s.handle_p99_ms} / ${s.handle_max_ms} ms`,
    ],
    ['… mean over the first / last tenth', `${s.handle_first_tenth_mean_ms} / ${s.handle_last_tenth_mean_ms} ms`],
    ['Messages handled / sent', `${s.messages_handled} / ${s.messages_sent}`],
    ['Handled when the last was sent; caught up after', `${s.handled_when_sending_ended}; ${s.caught_up_after_s} s`],
    ['Message elements in the DOM, start → end', `${s.dom_messages_start} → ${s.dom_messages_end}`],
    ['Elements in the document, start → end', `${s.dom_nodes_start} → ${s.dom_nodes_end}`],
  ];
  return [`| Room page, ${RATE} chats/s | |`, '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

const load0 = os.loadavg()[0]!;
const server = await startBenchServer('us');
const browser = await launchBrowser();
try {
  const owner = await newSession(server.origin);
  const roomId = await createRoom(owner, 'Browser under load', SENDERS + 5);
  const senders = await openSenders(server.origin, roomId, SENDERS);
  let t = performance.now();
  await senders.burst(FILL, 50);
  console.log(`filled the room with ${FILL} chats over sockets in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const reader = await newVisitor(browser, server.origin, { width: 1280, height: 800 });
  reader.context.setDefaultTimeout(60_000);
  await reader.context.addInitScript({ content: PROBE_SCRIPT });
  await reader.page.goto(`/room/${roomId}`);
  await reader.page.locator('#transcript [data-message-id]').first().waitFor();
  t = performance.now();
  const loaded = await reader.page.evaluate<number>(LOAD_ALL_HISTORY);
  console.log(`the page scrolled up through ${loaded} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await sleep(1000);
  const start = await reader.page.evaluate<{ messages: number; nodes: number }>(DOM_COUNTS);
  await reader.page.evaluate(START_RECORDING);
  const sent = RATE > 0 ? await senders.paced(RATE, SECONDS) : (await sleep(SECONDS * 1000), 0);
  // The page may lag behind: wait (up to a minute) until it has handled every chat sent.
  const ended = performance.now();
  const handledAtEnd = await reader.page.evaluate<number>(HANDLED);
  while ((await reader.page.evaluate<number>(HANDLED)) < sent && performance.now() - ended < 60_000) await sleep(50);
  const caughtUpS = round((performance.now() - ended) / 1000, 1);
  const reading = await reader.page.evaluate<ProbeReading>(READ_PROBE);
  senders.close();
  if (reader.errors.length) console.log(`page errors: ${reader.errors.join('; ')}`);

  const summary = summarize(reading, start, sent, handledAtEnd, caughtUpS);
  const load1 = os.loadavg()[0]!;
  const conditions =
    `${os.cpus().length}-core ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, Chromium headless ` +
    `(${browser.version()}), 1280×800; ${FILL} chats loaded, then ${RATE}/s for ${SECONDS} s from ${SENDERS} ` +
    `sockets; server, senders and browser on the same machine; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`;
  console.log(`\n${table(summary)}\n\n${conditions}`);
  const json = { measured_at: new Date().toISOString(), conditions, ...summary };
  writeFileSync(path.join(outDir, 'browser-load.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${path.join(outDir, 'browser-load.json')}`);
  await reader.context.close();
} finally {
  await browser.close();
  await server.stop();
}
