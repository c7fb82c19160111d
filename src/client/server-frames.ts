// Narrows what arrives on the socket to a ServerFrame by its `type`, so the page acts only on frame
// types it knows. The server is trusted for the fields; the type list is checked against the
// protocol at compile time, so a frame type added there and not here fails `npm run typecheck`.
// No zod here: the browser bundle imports only types from the protocol.
import type { ServerFrame } from '../shared/protocol';

type ServerFrameType = ServerFrame['type'];

/** One entry per ServerFrame type; a Record makes a missing or unknown type a compile error. */
const KNOWN: Record<ServerFrameType, true> = {
  hello: true,
  joined: true,
  catchup: true,
  message: true,
  ack: true,
  members: true,
  typing: true,
  kicked: true,
  'room-created': true,
  'room-updated': true,
  'room-removed': true,
  error: true,
};

export function isServerFrame(value: unknown): value is ServerFrame {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const type = value.type;
  return typeof type === 'string' && Object.hasOwn(KNOWN, type);
}

/** The frame in a text message, or null for anything that is not JSON naming a known frame type. */
export function parseServerFrame(text: string): ServerFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isServerFrame(value) ? value : null;
}
