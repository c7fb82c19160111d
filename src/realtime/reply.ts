// Answers one socket: a frame for this client alone (hello, ack, joined, catch-up, an error), where
// broadcast.ts sends one frame to many.
import type { ServerFrame } from '../shared/protocol.js';
import { encode } from './broadcast.js';
import type { Client } from './client.js';

export function reply(client: Client, frame: ServerFrame): void {
  client.send(encode(frame));
}
