// Every query on rooms. Callers get plain objects, never Mongoose documents.
import mongoose from 'mongoose';
import { isObjectId, type Person } from '../shared/protocol.js';
import { RoomModel, type RoomDoc } from './models.js';

export interface RoomRecord {
  id: string;
  title: string;
  max: number;
  passwordHash: string | null;
  owner: Person;
  banned: string[];
  createdAt: Date;
}

function toRecord(doc: RoomDoc): RoomRecord {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    max: doc.max,
    passwordHash: doc.passwordHash ?? null,
    owner: { id: doc.owner.id, nickname: doc.owner.nickname, color: doc.owner.color },
    banned: doc.banned,
    createdAt: doc.createdAt,
  };
}

export async function insertRoom(room: Omit<RoomRecord, 'id' | 'createdAt' | 'banned'>): Promise<RoomRecord> {
  const doc = await RoomModel.create(room);
  return toRecord(doc.toObject<RoomDoc>());
}

export async function findRoom(id: string): Promise<RoomRecord | null> {
  if (!isObjectId(id)) return null;
  const doc = await RoomModel.findById(id).lean<RoomDoc>();
  return doc ? toRecord(doc) : null;
}

export async function listRooms(): Promise<RoomRecord[]> {
  const docs = await RoomModel.find().sort({ _id: -1 }).limit(500).lean<RoomDoc[]>();
  return docs.map(toRecord);
}

/** Every room's id, read in pages along the _id index so that no one query is unbounded. */
export async function allRoomIds(pageSize = 1000): Promise<string[]> {
  const ids: string[] = [];
  let after: mongoose.Types.ObjectId | undefined;
  for (;;) {
    const page = await RoomModel.find(after ? { _id: { $gt: after } } : {}, { _id: 1 })
      .sort({ _id: 1 })
      .limit(pageSize)
      .lean<Array<{ _id: mongoose.Types.ObjectId }>>();
    for (const doc of page) ids.push(doc._id.toHexString());
    const last = page.at(-1);
    if (page.length < pageSize || !last) return ids;
    after = last._id;
  }
}

export async function deleteRoomRecord(id: string): Promise<boolean> {
  if (!isObjectId(id)) return false;
  const res = await RoomModel.deleteOne({ _id: new mongoose.Types.ObjectId(id) });
  return res.deletedCount === 1;
}

export async function setRoomOwner(id: string, owner: Person): Promise<void> {
  await RoomModel.updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { owner } });
}

export async function setRoomPasswordHash(id: string, passwordHash: string | null): Promise<void> {
  await RoomModel.updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { passwordHash } });
}

export async function banFromRoom(id: string, personId: string): Promise<void> {
  await RoomModel.updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $addToSet: { banned: personId } });
}

/** Rooms owned by this person show their current details (nickname). */
export async function updateOwnerDetails(owner: Person): Promise<void> {
  await RoomModel.updateMany({ 'owner.id': owner.id }, { $set: { owner } });
}
