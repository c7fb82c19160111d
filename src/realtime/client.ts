// One connected socket and what the hub knows about it. Kept small: the hub may hold many.
import type WebSocket from 'ws';
import type { Person } from '../shared/protocol.js';
import type { RawSocket } from './raw-socket.js';
import { flushNow, queueFrame, type Outlet } from './write-coalescer.js';

/** A socket whose unsent bytes pass this is too slow to keep up and is closed. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const TYPING_INTERVAL_MS = 2000;
/**
 * A socket that is not reading cannot receive the close frame either: after this long it is cut,
 * so its buffers are freed and its person leaves the room now, not after ws's 30 s close timeout.
 */
const SLOW_CLOSE_GRACE_MS = 1000;

/** A server frame, encoded once for all its recipients (see encode() in broadcast.ts). */
export interface EncodedFrame {
  /** The frame's JSON, as UTF-8: what ws.send is given when the socket cannot be written to directly. */
  readonly payload: Buffer;
  /** The complete WebSocket frame (header and payload), ready to write to the socket. */
  readonly bytes: Buffer;
}

let nextId = 0;

export class Client {
  readonly id = String(++nextId);
  readonly rooms = new Set<string>();
  alive = true;
  /** Set when the socket has closed: a frame still being handled must not add it anywhere. */
  closed = false;
  /** Frames of one socket are handled one after another, in the order they arrived. */
  queue: Promise<void> = Promise.resolve();
  /** Frames arrived and not yet handled (see the hub's onFrame: past a few, the socket is not read). */
  pendingFrames = 0;

  constructor(
    readonly ws: WebSocket,
    public person: Person,
    readonly sid: string,
    /** The client's address key (an IPv4 address or an IPv6 /64), for per-address budgets. */
    readonly address: string,
    /** The stream under `ws`, to write frames to directly; undefined: through ws.send (see raw-socket.ts). */
    raw: RawSocket | undefined,
  ) {
    this.outlet = raw && { raw, open: () => ws.readyState === ws.OPEN };
  }

  /** Where frames are queued for the stream under `ws`; undefined: they go through ws.send (see raw-socket.ts). */
  private readonly outlet: Outlet | undefined;

  /** Made on first use: most sockets never type, and the hub may hold many idle ones. */
  private typingAt: Map<string, number> | undefined;
  /** A room's frames held back while this socket's join is let in and its catch-up read. */
  private held: Map<string, EncodedFrame[]> | undefined;
  /** Per room, where this socket's catch-up ends (later pages of it must stop there too). */
  catchUpBoundaries: Map<string, number> | undefined;

  /** From now on, the room's frames for `roomId` wait until `release`: the join and catch-up go first. */
  hold(roomId: string): void {
    (this.held ??= new Map()).set(roomId, []);
  }

  /** Sends what was held, unless the socket left or was kicked from the room meanwhile. */
  release(roomId: string): void {
    const frames = this.held?.get(roomId);
    this.held?.delete(roomId);
    if (!this.rooms.has(roomId)) return;
    for (const frame of frames ?? []) this.send(frame);
  }

  /** A room's frame (message, typing, members): sent now, or after the join or catch-up in progress. */
  sendRoomFrame(roomId: string, frame: EncodedFrame): void {
    const held = this.held?.get(roomId);
    if (held) held.push(frame);
    else this.send(frame);
  }

  /** "X is typing" goes out at most once every few seconds per room. */
  mayAnnounceTyping(roomId: string, now = Date.now()): boolean {
    const typingAt = (this.typingAt ??= new Map());
    if (now - (typingAt.get(roomId) ?? 0) < TYPING_INTERVAL_MS) return false;
    typingAt.set(roomId, now);
    return true;
  }

  /**
   * Sends an encoded frame. Where the socket can be reached, its bytes are queued for it and go out
   * with its other frames at the flush (write-coalescer.ts). Otherwise ws.send frames the payload.
   * Either way a consumer that cannot keep up is dropped (1013).
   */
  send(frame: EncodedFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, 'too slow: falling behind');
      setTimeout(() => this.ws.terminate(), SLOW_CLOSE_GRACE_MS).unref();
      return;
    }
    if (this.outlet) queueFrame(this.outlet, frame.bytes);
    else this.ws.send(frame.payload, { binary: false });
  }

  /** Closes the WebSocket after the frames already queued for it (ws writes its close frame itself). */
  close(code: number, reason: string): void {
    if (this.outlet) flushNow(this.outlet);
    this.ws.close(code, reason);
  }
}
