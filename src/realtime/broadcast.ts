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
