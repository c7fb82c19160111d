// Fan-out: a frame is serialized and framed once, and the same bytes go to every recipient.
import { Sender } from 'ws';
import type { ServerFrame } from '../shared/protocol.js';
import type { Client, EncodedFrame } from './client.js';

/** FIN + text opcode, unmasked (a server never masks), uncompressed (the hub turns deflate off). */
const TEXT_FRAME = { fin: true, rsv1: false, opcode: 0x1, mask: false, readOnly: true } as const;

/**
 * The frame's JSON, and the complete WebSocket frame holding it, framed by ws's own encoder.
 * Building it here rather than in ws.send() means a broadcast to N sockets costs one
 * JSON.stringify, one header and one buffer, not N headers and 2N writes.
 */
export function encode(frame: ServerFrame): EncodedFrame {
  const json = Buffer.from(JSON.stringify(frame));
  // Joined once here so that each recipient's socket gets one write, not a header and a body;
  // the payload is a view into the joined bytes, so a held frame is not kept twice.
  const bytes = Buffer.concat(Sender.frame(json, TEXT_FRAME));
  return { payload: bytes.subarray(bytes.length - json.length), bytes };
}

export function broadcast(clients: Iterable<Client>, frame: ServerFrame): void {
  let encoded: EncodedFrame | undefined;
  for (const client of clients) client.send((encoded ??= encode(frame)));
}

/** A room's frame: like `broadcast`, but it waits behind a member's join or catch-up in progress. */
export function broadcastRoomFrame(roomId: string, clients: Iterable<Client>, frame: ServerFrame): void {
  let encoded: EncodedFrame | undefined;
  for (const client of clients) client.sendRoomFrame(roomId, (encoded ??= encode(frame)));
}
