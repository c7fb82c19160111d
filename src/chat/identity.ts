// Visitors have no accounts: a random stable id, a colour derived from it by hashing (so the same
// visitor always has the same colour) and a nickname that starts as guest-xxxx.
import { createHash, randomBytes } from 'node:crypto';
import type { Person } from '../shared/protocol.js';

export function newVisitor(): Person {
  const id = randomBytes(12).toString('hex');
  return { id, nickname: `guest-${id.slice(-4)}`, color: colorFor(id) };
}

/** A readable colour on both light and dark backgrounds, stable for an id. */
export function colorFor(id: string): string {
  const digest = createHash('sha256').update(id).digest();
  const hue = digest.readUInt16BE(0) % 360;
  const saturation = 55 + ((digest[2] ?? 0) % 25);
  return `hsl(${hue} ${saturation}% 45%)`;
}
