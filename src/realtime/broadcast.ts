// Fan-out: a frame is serialized and framed once, and the same bytes go to every recipient.
import { Sender } from 'ws';
import type { ServerFrame } from '../shared/protocol.js';
import type { Client } from './client.js';

/** FIN + text opcode, unmasked (a server never masks), uncompressed (the hub turns deflate off). */
const TEXT_FRAME = { fin: true, rsv1: false, opcode: 0x1, mask: false, readOnly: true } as const;

/**
 * A complete WebSocket text frame holding the frame's JSON, framed by ws's own encoder. Building
 * it here rather than in ws.send() means a broadcast to N sockets costs one JSON.stringify, one
 * header and one buffer, not N headers and 2N writes.
 */
export function encode(frame: ServerFrame): Buffer {
  // Joined once here so that each recipient's socket gets one write, not a header and a body.
  return Buffer.concat(Sender.frame(Buffer.from(JSON.stringify(frame)), TEXT_FRAME));
}

export function broadcast(clients: Iterable<Client>, frame: ServerFrame): void {
  let bytes: Buffer | undefined;
  for (const client of clients) client.send((bytes ??= encode(frame)));
}

/** A room's message: like `broadcast`, but it waits behind a member's catch-up in progress. */
export function broadcastRoomMessage(roomId: string, clients: Iterable<Client>, frame: ServerFrame): void {
  let bytes: Buffer | undefined;
  for (const client of clients) client.sendRoomMessage(roomId, (bytes ??= encode(frame)));
}
