// Storing messages: ids, records, the batched insert with its retries and duplicates, deletion.
// Reading them (pages, gaps, places) is in message-reads.ts. A room's messages are ordered by
// `seq`, their place in the room (see src/chat/room-sequence.ts).
import mongoose from 'mongoose';
import { monotonicIds } from './message-ids.js';
import { MessageModel, type MessageDoc } from './models.js';
import type { SystemInfo } from '../shared/system-events.js';
import type { Person } from '../shared/protocol.js';

export interface MessageRecord {
  id: string;
  roomId: string;
  /** `delete` records that a message was taken away (`deletes`); it is never shown itself. */
  kind: 'chat' | 'gif' | 'system' | 'whisper' | 'delete';
  author: Person | null;
  to: Person | null;
  system: SystemInfo | null;
  text: string;
  gif: GifRecord | null;
  clientId: string | null;
  /** For a `delete` record: the id of the message taken away. */
  deletes: string | null;
  /** Its place in the room: every instance delivers a room's messages in this order. */
  seq: number;
  createdAt: Date;
}

/** An uploaded GIF: its file, size, the uploader's description, and what was made from it. */
export interface GifRecord {
  file: string;
  width: number;
  height: number;
  alt: string | null;
  /** A still first frame was made (shown while paused). */
  still: boolean;
  /** An animated WebP was made, smaller than the GIF. */
  webp: boolean;
}

export type NewMessage = Omit<MessageRecord, 'createdAt'>;

export const oid = (hex: string) => new mongoose.Types.ObjectId(hex);

const ids = monotonicIds();

/** A new message id. Ids made by this process only grow, so they order messages as they are posted. */
export const newMessageId = (): string => ids.next();

/**
 * Continues the ids above the newest message stored, so ids keep growing across a restart even
 * if the clock is now behind the one that made them.
 */
export async function seedMessageIds(): Promise<void> {
  const newest = await MessageModel.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean<MessageDoc>();
  if (newest) ids.seed(newest._id.toHexString());
}

const person = (p: Person): Person => ({ id: p.id, nickname: p.nickname, color: p.color });

export function toRecord(doc: MessageDoc): MessageRecord {
  return {
    id: doc._id.toHexString(),
    roomId: doc.room.toHexString(),
    kind: doc.kind,
    author: doc.author ? person(doc.author) : null,
    to: doc.to ? person(doc.to) : null,
    system: doc.system?.event
      ? {
          event: doc.system.event,
          name: doc.system.name,
          ...(doc.system.newName ? { newName: doc.system.newName } : {}),
        }
      : null,
    text: doc.text,
    gif: doc.gif
      ? {
          file: doc.gif.file,
          width: doc.gif.width,
          height: doc.gif.height,
          alt: doc.gif.alt ?? null,
          // GIFs stored before stills and WebPs were made have neither field.
          still: doc.gif.still ?? false,
          webp: doc.gif.webp ?? false,
        }
      : null,
    clientId: doc.clientId ?? null,
    deletes: doc.deletes ? doc.deletes.toHexString() : null,
    seq: doc.seq,
    createdAt: doc.createdAt,
  };
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** `whole`: the insert failed as a whole (no per-document answer), so nothing is known per document. */
export type Inserted = { record: MessageRecord; duplicate: boolean } | { error: unknown; whole: boolean };

/**
 * The per-document errors of an unordered insertMany, or undefined when the insert failed as a
 * whole. The driver reports a lost connection as a bulk error with no write errors at all, so
 * only a report that accounts for every document (inserted + refused) is trusted per document.
 */
function writeErrorsOf(err: unknown, attempted: number): Array<{ index: number; code?: unknown }> | undefined {
  const e = err as { writeErrors?: unknown; insertedCount?: unknown } | null;
  if (e?.writeErrors === undefined) return undefined;
  const list = (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]) as Array<{
    index: number;
    code?: unknown;
  }>;
  if (list.length === 0 || typeof e.insertedCount !== 'number' || e.insertedCount + list.length !== attempted)
    return undefined;
  return list;
}

/**
 * A message as stored, built directly rather than through a Mongoose document: the chat layer
 * has already checked every field, and Mongoose's per-document casting and validation was most
 * of the CPU a write cost.
 */
function toDoc(m: NewMessage, createdAt: Date): MessageDoc {
  const doc = {
    _id: oid(m.id),
    room: oid(m.roomId),
    kind: m.kind,
    author: m.author && person(m.author),
    to: m.to && person(m.to),
    system: m.system,
    text: m.text,
    gif: m.gif,
    deletes: m.deletes === null ? null : oid(m.deletes),
    deleted: false,
    seq: m.seq,
    createdAt,
    ...(m.clientId ? { clientId: m.clientId } : {}),
  };
  return doc;
}

/** Another message holds this place in the room (the sequence was behind: see room-sequence.ts). */
export class SeqTakenError extends Error {
  constructor(readonly roomId: string) {
    super('another message already holds this place in the room');
    this.name = 'SeqTakenError';
  }
}

/**
 * Another message already has this message's id (ids are made per process and should never meet:
 * see message-ids.ts). The message was not stored; it needs a new id.
 */
export class IdTakenError extends Error {
  constructor() {
    super('another message already has this id');
    this.name = 'IdTakenError';
  }
}

/** The author already used this clientId for a message in another room: it is not a retry of that one. */
export class ClientIdReusedError extends Error {
  constructor() {
    super('clientId already used for a message in another room');
    this.name = 'ClientIdReusedError';
  }
}

/**
 * Stores messages in one unordered insertMany (one round trip and one durable commit for all).
 * A message carrying a clientId that its author already used is not stored again: the first
 * one is returned with `duplicate: true`. A message whose id is already stored was stored by an
 * earlier attempt whose answer was lost (see MessageWriter): it is returned as stored.
 * Results are in the order given.
 */
export async function insertMessages(msgs: NewMessage[]): Promise<Inserted[]> {
  const now = new Date();
  const sent = msgs.map((msg) => ({ msg, doc: toDoc(msg, now) }));
  const docs = sent.map((s) => s.doc);
  const failed = new Map<number, unknown>();
  let whole = false;
  try {
    // The driver adds nothing to documents that already have an _id.
    await MessageModel.collection.insertMany(docs, { ordered: false });
  } catch (err) {
    const perDoc = writeErrorsOf(err, docs.length);
    whole = !perDoc;
    if (!perDoc) for (let i = 0; i < docs.length; i++) failed.set(i, err);
    else for (const e of perDoc) failed.set(e.index, e);
  }
  return Promise.all(
    sent.map(async ({ msg, doc }, i): Promise<Inserted> => {
      if (!failed.has(i)) return { record: toRecord(doc), duplicate: false };
      const err = failed.get(i);
      if (!isDuplicateKey(err)) return { error: err, whole };
      const same = msg.clientId && msg.author ? [{ 'author.id': msg.author.id, clientId: msg.clientId }] : [];
      const found = await MessageModel.find({ $or: [{ _id: oid(msg.id) }, ...same] })
        .limit(2)
        .lean<MessageDoc[]>();
      const own = found.find((d) => d._id.toHexString() === msg.id);
      // Stored by an earlier attempt of this very message (same place), or another message's id.
      if (own && own.room.toHexString() === msg.roomId && own.seq === msg.seq) {
        return { record: toRecord(own), duplicate: false };
      }
      if (own) return { error: new IdTakenError(), whole: false };
      const retried = found[0];
      // Neither this message nor a retry of it: the one other unique key is the room's place.
      if (!retried) return { error: new SeqTakenError(msg.roomId), whole: false };
      // Same author and clientId, but another room: not a retry of that message.
      if (retried.room.toHexString() !== msg.roomId) return { error: new ClientIdReusedError(), whole: false };
      return { record: toRecord(retried), duplicate: true };
    }),
  );
}

/**
 * Takes a message away: its text and GIF are cleared and it is marked deleted, once. False when
 * it was already taken away (by someone else, just now).
 */
export async function markDeleted(roomId: string, id: string): Promise<boolean> {
  const res = await MessageModel.updateOne(
    { _id: oid(id), room: oid(roomId), deleted: { $ne: true } },
    { $set: { deleted: true, text: '', gif: null } },
  );
  return res.modifiedCount === 1;
}

/** Deletes every message of a room and returns the GIF file names they referenced. */
export async function deleteRoomMessages(roomId: string): Promise<string[]> {
  const gifs = await MessageModel.find({ room: oid(roomId), kind: 'gif' }, { gif: 1 }).lean<MessageDoc[]>();
  await MessageModel.deleteMany({ room: oid(roomId) });
  return gifs.flatMap((m) => (m.gif ? [m.gif.file] : []));
}
