// The one place that reaches into ws's internals. ws has no public way to write ready-made frame
// bytes to a socket, which is what makes fan-out fast (see write-coalescer.ts), so we use the
// stream ws keeps in its private field `_socket`. Should a ws release rename or hide
// it, the hub notices at the first connection and sends through ws.send instead of dropping frames.
import type { WebSocket } from 'ws';

/** What the write coalescer needs of the stream under a WebSocket. */
export interface RawSocket {
  readonly destroyed: boolean;
  write(chunk: Buffer): boolean;
}

/** ws's private field: the default way to find a WebSocket's stream. */
export function privateSocketOf(ws: WebSocket): unknown {
  return (ws as unknown as { _socket?: unknown })._socket;
}

function isRawSocket(value: unknown): value is RawSocket {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Record<keyof RawSocket, unknown>>;
  return typeof s.destroyed === 'boolean' && typeof s.write === 'function';
}

/**
 * Returns, for each WebSocket, the stream to write frames to, or undefined when its
 * frames must go through ws.send. The first connection decides: if its stream cannot be reached,
 * `warn` is told once and every socket uses ws.send from then on.
 */
export function rawSocketAccess(
  find: (ws: WebSocket) => unknown,
  warn: (line: string) => void,
): (ws: WebSocket) => RawSocket | undefined {
  let usable: boolean | undefined;
  return (ws) => {
    if (usable === false) return undefined;
    const socket = find(ws);
    const ok = isRawSocket(socket);
    if (usable === undefined) {
      usable = ok;
      if (!ok) {
        warn(
          "ws's socket stream cannot be reached (has ws changed its internals?): frames go through ws.send, " +
            'one write per frame and socket, so fan-out is slower',
        );
      }
    }
    return ok ? socket : undefined;
  };
}
