// Coalesces each socket's writes within one event-loop turn: the first frame of a turn corks the
// socket, every later frame of the turn joins the same buffer, and one setImmediate uncorks them
// all. A broadcast then costs one write syscall per socket per turn instead of one per frame.
// Order is kept (cork only delays), and nothing waits past the turn.
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

const corked = new Set<Duplex>();
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  for (const socket of corked) if (!socket.destroyed) socket.uncork();
  corked.clear();
}

/** ws keeps its net.Socket in a private field; we cork it, uncork it and write ready-made frames to it. */
function socketOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as { _socket?: Duplex })._socket;
}

/** Corks the socket under `ws` until the end of this turn and returns it (undefined once gone). */
export function corkForThisTurn(ws: WebSocket): Duplex | undefined {
  const socket = socketOf(ws);
  if (!socket || socket.destroyed) return undefined;
  if (corked.has(socket)) return socket;
  socket.cork();
  corked.add(socket);
  if (!scheduled) {
    scheduled = true;
    setImmediate(uncorkAll);
  }
  return socket;
}
