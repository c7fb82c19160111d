// Fan-out: a frame is serialized once and the same bytes go to every recipient.
import type { ServerFrame } from '../shared/protocol.js';
import type { Client } from './client.js';

export function encode(frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame));
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
