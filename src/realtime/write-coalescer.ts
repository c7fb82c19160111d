// Coalesces each socket's frames: they wait in a list until the flush after the turn, which writes
// them in one write. A broadcast then costs one write syscall per socket instead of one per frame.
// Order is kept: a socket's frames go out in the order they were queued.
//
// The sockets of a room are sent the same frames in the same order, so the flush joins a run of
// frames into one buffer once and writes that same buffer to every socket holding the same run
// (one stream write and one chunk each, however many messages the batch held), instead of each
// socket taking every frame as a chunk of its own: at saturation a socket's run is dozens to
// hundreds of frames.
//
// The flush gives way every few milliseconds: writing to 1,000 loopback sockets takes ~12 ms, and
// a database answer or a chat arriving meanwhile would otherwise wait all of it. Between slices the
// event loop takes in what arrived (the next batch is stored and published sooner), and a socket
// still waiting for its slice carries the newer frames in the same write. 4 ms measured best here:
// at 1 ms batches grew too small (more commits, fan-out at saturation 756k deliveries/s), with no
// slices the next batch waited for the whole flush (865k, p99 at half saturation 104–116 ms);
// at 4 ms 941k–952k and 54 ms.
import { recordSince } from '../latency-stages.js';
import type { RawSocket } from './raw-socket.js';

/** How long one slice of the flush may write before the event loop gets a turn. */
const SLICE_MS = 4;
/** Sockets written between looks at the clock. */
const CHECK_EVERY = 16;

/** Where queued frames go: a socket, and whether its WebSocket may still send data frames. */
export interface Outlet {
  readonly raw: RawSocket;
  /** False once the WebSocket is closing: no data frame may follow a close frame. */
  open(): boolean;
}

interface Queued {
  frames: Buffer[];
  /** When the first of them was queued (performance.now()). */
  since: number;
}

/** Outlets waiting for the flush, oldest first. */
const queued = new Map<Outlet, Queued>();
let scheduled = false;

/**
 * Runs of frames joined in this slice, by their first frame: the next socket holding one of these
 * runs (the same Buffer objects, in the same order) is written the same joined bytes. A few runs
 * per first frame: a socket sent a frame of its own as well (an ack, a whisper) starts the same way.
 */
const joined = new Map<Buffer, Array<{ frames: Buffer[]; bytes: Buffer }>>();
const RUNS_PER_FIRST_FRAME = 4;

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The frames as one buffer, joined once per slice for every socket that holds the same run. */
function join(frames: Buffer[]): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- never queued empty
  const first = frames[0]!;
  if (frames.length === 1) return first;
  let runs = joined.get(first);
  const known = runs?.find((r) => sameFrames(r.frames, frames));
  if (known) return known.bytes;
  const bytes = Buffer.concat(frames);
  if (!runs) joined.set(first, (runs = []));
  if (runs.length === RUNS_PER_FIRST_FRAME) runs.shift();
  runs.push({ frames, bytes });
  return bytes;
}

/** `bytes` makes what is written, only for a socket that may still be written to. */
function write(outlet: Outlet, bytes: () => Buffer): void {
  if (outlet.raw.destroyed || !outlet.open()) return;
  outlet.raw.write(bytes());
}

function flushSlice(): void {
  scheduled = false;
  const until = performance.now() + SLICE_MS;
  let written = 0;
  let oldest: number | undefined;
  for (const [outlet, q] of queued) {
    oldest ??= q.since;
    queued.delete(outlet);
    write(outlet, () => join(q.frames));
    if (++written % CHECK_EVERY === 0 && performance.now() >= until) break;
  }
  // How long the longest-waiting socket of this slice held its frames.
  if (oldest !== undefined) recordSince('flush', oldest);
  // Joined bytes are not kept past the slice (under constant load the queue never empties).
  joined.clear();
  if (queued.size > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushSlice);
}

/** Queues a frame's bytes for `outlet`, to go out with its other frames at the flush. */
export function queueFrame(outlet: Outlet, bytes: Buffer): void {
  const q = queued.get(outlet);
  if (q) {
    q.frames.push(bytes);
    return;
  }
  queued.set(outlet, { frames: [bytes], since: performance.now() });
  schedule();
}

/**
 * Writes `outlet`'s queued frames now, before something that must follow them (the server's own
 * close frame goes out through ws, outside this queue).
 */
export function flushNow(outlet: Outlet): void {
  const q = queued.get(outlet);
  if (!q) return;
  queued.delete(outlet);
  // Not through the slice's joined runs: they are cleared only when a slice ends.
  write(outlet, () => Buffer.concat(q.frames));
}
