// Messages stored before rooms had a sequence get their places once, in id order (which was their
// order then), before the unique {room, seq} index is built. A marker document says it is done,
// so later starts do not scan the collection again.
import mongoose from 'mongoose';
import { MessageModel } from './models.js';

const MARKER = 'messages.seq';
const CHUNK = 1000;

interface MarkerDoc {
  _id: string;
  at: Date;
}

export async function assignMissingSeqs(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const markers = db.collection<MarkerDoc>('migrations');
  if (await markers.findOne({ _id: MARKER })) return;
  const rooms = (await MessageModel.collection.distinct('room', {
    seq: { $exists: false },
  })) as mongoose.Types.ObjectId[];
  for (const room of rooms) {
    // A run cut short numbered a prefix of the room: carry on above it.
    const top = await MessageModel.collection.findOne({ room, seq: { $exists: true } }, { sort: { seq: -1 } });
    let seq = typeof top?.seq === 'number' ? top.seq : 0;
    for (;;) {
      const docs = await MessageModel.collection
        .find({ room, seq: { $exists: false } }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(CHUNK)
        .toArray();
      if (docs.length === 0) break;
      await MessageModel.collection.bulkWrite(
        docs.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { seq: ++seq } } } })),
        { ordered: true },
      );
    }
  }
  // Upserted: two instances starting together over old data both number it, the same way.
  await markers.updateOne({ _id: MARKER }, { $setOnInsert: { at: new Date() } }, { upsert: true });
}
