// Reading messages. A room's messages are ordered by `seq`, their place in the room (see
// src/chat/room-sequence.ts); pages are read newest-first on the {room, seq} index, then returned
// oldest-first, which is the order a transcript shows them in. Clients name a place by a message
// id (`after`, `before`), found on the {room, _id} index.
import { KnownPlaces } from './known-places.js';
import { oid, toRecord, type MessageRecord } from './message-repository.js';
import { MessageModel, type MessageDoc } from './models.js';

/** Whispers (and the records of their deletion) are visible only to their author and their recipient. */
const visibleTo = (viewerId: string) => ({
  $or: [{ to: null }, { 'author.id': viewerId }, { 'to.id': viewerId }],
});

/** What a transcript shows: neither messages taken away nor the records of taking them. */
const shown = { deleted: { $ne: true }, kind: { $ne: 'delete' as const } };

/**
 * The place of message `id` in the room as a bound: `exact` when that message exists, otherwise
 * the place of the newest message with a smaller id (ids only grow, so that is where it would
 * have been). Undefined when there is nothing at or below it.
 */
async function placeOf(roomId: string, id: string): Promise<{ seq: number; exact: boolean } | undefined> {
  const known = knownPlaces.get(roomId, id);
  if (known !== undefined) return { seq: known, exact: true };
  const doc = await MessageModel.findOne({ room: oid(roomId), _id: { $lte: oid(id) } }, { _id: 1, seq: 1 })
    .sort({ _id: -1 })
    .lean<MessageDoc>();
  return doc ? { seq: doc.seq, exact: doc._id.toHexString() === id } : undefined;
}

/** Where the page after each history page served here starts (see known-places.ts). */
const knownPlaces = new KnownPlaces();

/** Remembers where a page served without reading (from memory) ends, as pageBefore does. */
export function rememberPageEdge(roomId: string, id: string, seq: number): void {
  knownPlaces.remember(roomId, id, seq);
}

/**
 * The newest `limit` records of a room, oldest first, taken away or not, whispers and the records
 * of deletions included: what src/chat/newest-messages.ts keeps.
 */
export async function newestRecords(
  roomId: string,
  limit: number,
): Promise<Array<MessageRecord & { deleted: boolean }>> {
  const docs = await MessageModel.find({ room: oid(roomId) })
    .sort({ seq: -1 })
    .limit(limit)
    .lean<MessageDoc[]>();
  return docs.reverse().map((doc) => ({ ...toRecord(doc), deleted: doc.deleted }));
}

/**
 * With the place a caller says message `anchor` has (a transcript knows the place of every message
 * it shows), one read both checks that and takes the page beyond it (`dir` -1: older, newest
 * first; 1: newer, oldest first). Undefined when the message at that place is not `anchor`, or is
 * a whisper the viewer may not see (then the place is looked up, as without one). The anchor may
 * be taken away: the reader may hold it from before.
 */
async function pageBeyondPlace(
  roomId: string,
  viewerId: string,
  anchor: string,
  anchorSeq: number,
  dir: -1 | 1,
  limit: number,
): Promise<MessageDoc[] | undefined> {
  const docs = await MessageModel.find({
    room: oid(roomId),
    seq: dir < 0 ? { $lte: anchorSeq } : { $gte: anchorSeq },
    ...visibleTo(viewerId),
    $and: [{ $or: [{ _id: oid(anchor) }, shown] }],
  })
    .sort({ seq: dir })
    .limit(limit + 1)
    .lean<MessageDoc[]>();
  const [first, ...page] = docs;
  if (first?.seq !== anchorSeq || first._id.toHexString() !== anchor) return undefined;
  knownPlaces.remember(roomId, anchor, anchorSeq);
  return page;
}

/**
 * Up to `limit` messages of a room before message `before` (or the latest), oldest first.
 * `beforeSeq`, the place of `before` as the caller knows it, makes it one read (see
 * pageBeyondPlace) when that place is not remembered here already.
 */
export async function pageBefore(
  roomId: string,
  viewerId: string,
  before: string | undefined,
  limit: number,
  beforeSeq?: number,
): Promise<MessageRecord[]> {
  let docs: MessageDoc[] | undefined;
  if (before !== undefined && beforeSeq !== undefined && knownPlaces.get(roomId, before) === undefined) {
    docs = await pageBeyondPlace(roomId, viewerId, before, beforeSeq, -1, limit);
  }
  if (!docs) {
    let seq: { $lt: number } | { $lte: number } | undefined;
    if (before !== undefined) {
      const place = await placeOf(roomId, before);
      if (!place) return [];
      seq = place.exact ? { $lt: place.seq } : { $lte: place.seq };
    }
    docs = await MessageModel.find({ room: oid(roomId), ...(seq ? { seq } : {}), ...shown, ...visibleTo(viewerId) })
      .sort({ seq: -1 })
      .limit(limit)
      .lean<MessageDoc[]>();
  }
  // The oldest shown is the last read, or the one before it when one more was read to learn
  // whether there are more.
  for (const doc of docs.slice(-2)) knownPlaces.remember(roomId, doc._id.toHexString(), doc.seq);
  return docs.reverse().map(toRecord);
}

/**
 * Up to `limit` messages of a room after message `after`, oldest first: the next page down for a
 * reader scrolled away from the newest. What a transcript shows, as `pageBefore` pages are.
 * Undefined when `after` is no message of this room: unlike `before`, a place between two ids
 * means nothing to a reader who holds the messages on both sides of it. `afterSeq` as `beforeSeq`.
 */
export async function pageNewer(
  roomId: string,
  viewerId: string,
  after: string,
  limit: number,
  afterSeq?: number,
): Promise<MessageRecord[] | undefined> {
  // The anchor is read with the page (pageBeyondPlace), so someone else's whisper names no
  // message here, as an id that was never used: a place remembered or looked up is not enough.
  let docs: MessageDoc[] | undefined;
  if (afterSeq !== undefined) docs = await pageBeyondPlace(roomId, viewerId, after, afterSeq, 1, limit);
  if (!docs) {
    const place = await placeOf(roomId, after);
    if (!place?.exact || place.seq === afterSeq) return undefined;
    docs = await pageBeyondPlace(roomId, viewerId, after, place.seq, 1, limit);
    if (!docs) return undefined;
  }
  // The next page down starts at the newest shown (the last read, or the one before it).
  for (const doc of docs.slice(-2)) knownPlaces.remember(roomId, doc._id.toHexString(), doc.seq);
  return docs.map(toRecord);
}

/**
 * Up to `limit` messages of a room after message `after` and at or below place `upTo`, oldest
 * first: what a reconnecting client missed, so the records of deletions are in it (the client
 * takes those messages away) and the messages taken away are not.
 */
export async function pageAfter(
  roomId: string,
  viewerId: string,
  after: string,
  upTo: number,
  limit: number,
): Promise<MessageRecord[]> {
  const from = (await placeOf(roomId, after))?.seq ?? 0;
  const docs = await MessageModel.find({
    room: oid(roomId),
    seq: { $gt: from, $lte: upTo },
    deleted: { $ne: true },
    ...visibleTo(viewerId),
  })
    .sort({ seq: 1 })
    .limit(limit)
    .lean<MessageDoc[]>();
  return docs.map(toRecord);
}

/** Every message (whispers too) of a room at places `from`…`to`, in order: to fill a gap in delivery. */
export async function messagesAt(roomId: string, from: number, to: number): Promise<MessageRecord[]> {
  const docs = await MessageModel.find({ room: oid(roomId), seq: { $gte: from, $lte: to } })
    .sort({ seq: 1 })
    .limit(to - from + 1)
    .lean<MessageDoc[]>();
  return docs.map(toRecord);
}

/** The last place taken in a room (0 when it has no messages). */
export async function lastSeq(roomId: string): Promise<number> {
  const doc = await MessageModel.findOne({ room: oid(roomId) }, { seq: 1 })
    .sort({ seq: -1 })
    .lean<MessageDoc>();
  return doc?.seq ?? 0;
}

/** One message of a room as stored (taken away or not), or undefined. */
export async function findMessage(
  roomId: string,
  id: string,
): Promise<(MessageRecord & { deleted: boolean }) | undefined> {
  const doc = await MessageModel.findOne({ _id: oid(id), room: oid(roomId) }).lean<MessageDoc>();
  return doc ? { ...toRecord(doc), deleted: doc.deleted } : undefined;
}
