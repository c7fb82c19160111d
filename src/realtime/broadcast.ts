// Fan-out: a frame is serialized and framed once, and the same bytes go to every recipient.
import type { ServerFrame } from '../shared/protocol.js';
import type { Client } from './client.js';

/**
 * A complete, unmasked WebSocket text frame (RFC 6455 §5.2) holding the frame's JSON. Building it
 * here rather than in ws.send() means a broadcast to N sockets costs one JSON.stringify, one
 * header and one buffer, not N headers and 2N writes.
 */
export function encode(frame: ServerFrame): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(headerLength + length);
  bytes[0] = 0x81; // FIN + text opcode
  if (length < 126) {
    bytes[1] = length;
  } else if (length < 65_536) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    bytes.writeUInt32BE(length >>> 0, 6);
  }
  bytes.write(json, headerLength);
  return bytes;
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
