// Open cursors: lazy iterators over result documents, handed out in batches by find/aggregate
// and continued by getMore. Idle cursors expire like MongoDB's (10 minutes). As in mongod, a
// cursor goes on only for the user who opened it and on its own namespace: getMore is authorised
// on the namespace it names, so a cursor id alone must not reach another collection's documents.
import { randomBytes } from 'node:crypto';
import { encodeCursorReply } from './cursor-reply.js';
import { CommandError } from './errors.js';

const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const IDLE_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  iterator: Iterator<Buffer>;
  pending?: Buffer;
  lastUsed: number;
  /** Who opened it: its user and their database (see cursorOwner); undefined while the server has no users. */
  owner: string | undefined;
}

const cursors = new Map<bigint, OpenCursor>();

function newId(): bigint {
  // Positive, non-zero 63-bit id.
  return (randomBytes(8).readBigUInt64BE() & 0x3fffffffffffffffn) | 1n;
}

function takeBatch(
  c: { iterator: Iterator<Buffer>; pending?: Buffer },
  max: number,
): { docs: Buffer[]; done: boolean } {
  const docs: Buffer[] = [];
  let bytes = 0;
  while (docs.length < max) {
    let next = c.pending;
    c.pending = undefined;
    if (!next) {
      const r = c.iterator.next();
      if (r.done) return { docs, done: true };
      next = r.value;
    }
    if (docs.length > 0 && bytes + next.length > MAX_BATCH_BYTES) {
      c.pending = next;
      break;
    }
    docs.push(next);
    bytes += next.length;
  }
  return { docs, done: false };
}

/** First batch of a new result set; registers a cursor when documents remain. */
export function firstBatch(
  ns: string,
  iterator: Iterator<Buffer>,
  batchSize: number,
  singleBatch: boolean,
  owner: string | undefined,
): Buffer {
  const c: OpenCursor = { ns, iterator, lastUsed: Date.now(), owner };
  const { docs, done } = takeBatch(c, batchSize > 0 ? batchSize : batchSize === 0 ? 0 : 101);
  let id = 0n;
  if (!done && !singleBatch) {
    // Peek so an exhausted result does not leave a dangling cursor.
    if (!c.pending) {
      const r = iterator.next();
      if (!r.done) c.pending = r.value;
    }
    if (c.pending) {
      id = newId();
      cursors.set(id, c);
    }
  }
  if (id === 0n) iterator.return?.();
  return encodeCursorReply(ns, id, 'firstBatch', docs);
}

/** The cursor `id` if `owner` opened it on `ns`; undefined when there is none; Unauthorized otherwise. */
function cursorFor(id: bigint, ns: string, owner: string | undefined): OpenCursor | undefined {
  const c = cursors.get(id);
  if (!c) return undefined;
  if (c.ns !== ns) {
    throw new CommandError(
      13,
      'Unauthorized',
      `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
    );
  }
  if (c.owner !== owner)
    throw new CommandError(13, 'Unauthorized', `cursor id ${id} was not created by the authenticated user`);
  return c;
}

export function getMore(id: bigint, ns: string, owner: string | undefined, batchSize: number): Buffer | undefined {
  const c = cursorFor(id, ns, owner);
  if (!c) return undefined;
  c.lastUsed = Date.now();
  const { docs, done } = takeBatch(c, batchSize > 0 ? batchSize : Infinity);
  let exhausted = done;
  if (!done && !c.pending) {
    const r = c.iterator.next();
    if (r.done) exhausted = true;
    else c.pending = r.value;
  }
  if (exhausted) cursors.delete(id);
  return encodeCursorReply(c.ns, exhausted ? 0n : id, 'nextBatch', docs);
}

/** Kills cursor `id` if `owner` opened it on `ns`; false when there is no such cursor. */
export function killOwnCursor(id: bigint, ns: string, owner: string | undefined): boolean {
  const c = cursors.get(id);
  return c !== undefined && c.ns === ns && c.owner === owner && killCursor(id);
}

function killCursor(id: bigint): boolean {
  const c = cursors.get(id);
  if (!c) return false;
  c.iterator.return?.();
  cursors.delete(id);
  return true;
}

export function expireIdleCursors(): void {
  const now = Date.now();
  for (const [id, c] of cursors) if (now - c.lastUsed > IDLE_MS) killCursor(id);
}

export function killAllCursors(): void {
  for (const id of [...cursors.keys()]) killCursor(id);
}

export function openCursorCount(): number {
  return cursors.size;
}
