// Coalesces each socket's writes within one event-loop turn: the first frame of a turn corks the
// socket, every later frame of the turn joins the same buffer, and one setImmediate uncorks them
// all. A broadcast then costs one write syscall per socket per turn instead of one per frame.
// Order is kept (cork only delays), and nothing waits past the turn.
import { recordSince } from '../latency-stages.js';
import type { RawSocket } from './raw-socket.js';

const corked = new Set<RawSocket>();
let scheduled = false;
/** When the first socket of this turn was corked. */
let firstCorked = 0;

function uncorkAll(): void {
  scheduled = false;
  for (const socket of corked) if (!socket.destroyed) socket.uncork();
  corked.clear();
  recordSince('flush', firstCorked);
}

/** Corks `socket` until the end of this turn and returns it (undefined once it is gone). */
export function corkForThisTurn(socket: RawSocket): RawSocket | undefined {
  if (socket.destroyed) return undefined;
  if (corked.has(socket)) return socket;
  socket.cork();
  corked.add(socket);
  if (!scheduled) {
    scheduled = true;
    firstCorked = performance.now();
    setImmediate(uncorkAll);
  }
  return socket;
}
