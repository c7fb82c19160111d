// What the browser-load bench measures inside the room page, as plain JavaScript run before the
// page's own scripts (Playwright's addInitScript): frame times from requestAnimationFrame, long
// tasks from PerformanceObserver, and the cost of each `message` frame the page's socket handles
// (the synchronous run of its handler: parse, insert into the transcript, scroll, announce). The
// bench reads it back with READ_PROBE.

/** Installed with page.addInitScript({ content: PROBE_SCRIPT }). */
export const PROBE_SCRIPT = `(() => {
  const probe = { recording: false, t0: 0, frames: [], frameAt: [], longTasks: [], longTaskAt: [], handle: [] };
  Object.defineProperty(window, '__probe', { value: probe });
  new PerformanceObserver((list) => {
    if (!probe.recording) return;
    for (const entry of list.getEntries()) {
      probe.longTasks.push(entry.duration);
      probe.longTaskAt.push(entry.startTime - probe.t0);
    }
  }).observe({ type: 'longtask' });
  let last;
  const tick = (now) => {
    if (probe.recording && last !== undefined) {
      probe.frames.push(now - last);
      probe.frameAt.push(now - probe.t0);
    }
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    return add.call(this, type, function (event) {
      const start = performance.now();
      try {
        return listener.call(this, event);
      } finally {
        const data = event.data;
        if (probe.recording && typeof data === 'string' && data.slice(0, 24).includes('"message"')) {
          probe.handle.push(performance.now() - start);
        }
      }
    }, options);
  };
})();`;

export interface ProbeReading {
  frames: number[];
  /** When each frame ended and each long task started, in ms since recording started. */
  frameAt: number[];
  longTasks: number[];
  longTaskAt: number[];
  /** Milliseconds each message frame's handler ran. */
  handle: number[];
  /** Message elements in the transcript, and elements in the whole document. */
  messages: number;
  nodes: number;
}

/** DOM sizes now: message elements in the transcript, and every element of the document. */
export const DOM_COUNTS = `({
  messages: document.querySelectorAll('#transcript [data-message-id]').length,
  nodes: document.getElementsByTagName('*').length,
})`;

export const START_RECORDING = `(() => {
  const p = window.__probe;
  p.frames.length = p.frameAt.length = p.longTasks.length = p.longTaskAt.length = p.handle.length = 0;
  p.t0 = performance.now();
  p.recording = true;
})()`;

/** How many message frames the page has handled since recording started. */
export const HANDLED = `window.__probe.handle.length`;

export const READ_PROBE = `(() => {
  const p = window.__probe;
  p.recording = false;
  return { frames: p.frames, frameAt: p.frameAt, longTasks: p.longTasks, longTaskAt: p.longTaskAt, handle: p.handle, ...${DOM_COUNTS} };
})()`;

/**
 * Scrolls the transcript to its top until the history loader has reached the room's first message
 * (the window lets the newest go on the way: see src/client/live-window.ts), then jumps back to
 * the live end with the "New messages" button (or by scrolling, if the window never let go) and
 * waits until the newest message is shown; resolves to how many messages passed through the DOM.
 */
export const LOAD_ALL_HISTORY = `(async () => {
  const scroller = document.getElementById('scroller');
  const ids = () => [...document.querySelectorAll('#transcript [data-message-id]')].map((n) => n.dataset.messageId);
  const seen = new Set(ids());
  const newest = ids().at(-1);
  const status = document.getElementById('history-status');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let stuck = 0; stuck < 3;) {
    const before = ids()[0];
    scroller.scrollTop = 0;
    const until = performance.now() + 5000;
    while (ids()[0] === before && performance.now() < until) await sleep(10);
    for (const id of ids()) seen.add(id);
    stuck = ids()[0] === before ? stuck + 1 : 0;
    if (ids()[0] === before && status && !status.textContent.includes('older')) break;
  }
  const button = document.getElementById('new-messages');
  if (button && !button.hidden) button.click();
  const until = performance.now() + 30000;
  while (!ids().includes(newest) && performance.now() < until) {
    scroller.scrollTop = scroller.scrollHeight;
    await sleep(50);
  }
  scroller.scrollTop = scroller.scrollHeight;
  return seen.size;
})()`;
