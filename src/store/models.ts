// Mongoose schemas for what gif-chat keeps: rooms and their messages. Sessions live in the same
// database through connect-mongo (see src/http/session.ts).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const personSchema = new Schema(
  {
    id: { type: String, required: true },
    nickname: { type: String, required: true },
    color: { type: String, required: true },
  },
  { _id: false },
);

const roomSchema = new Schema(
  {
    title: { type: String, required: true, maxlength: 60 },
    max: { type: Number, required: true, min: 2 },
    passwordHash: { type: String, default: null },
    owner: { type: personSchema, required: true },
    /** Visitors the owner removed; they cannot come back into this room. */
    banned: { type: [String], default: [] },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

const gifSchema = new Schema(
  {
    file: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    /** The uploader's description, cleaned; null: the page names it "GIF from <nickname>". */
    alt: { type: String, default: null },
    /** Whether a still first frame (`<hex>.png`) and an animated WebP (`<hex>.webp`) were made
        (GIFs stored before they were made have neither field). */
    still: { type: Boolean },
    webp: { type: Boolean },
  },
  { _id: false },
);

const systemSchema = new Schema(
  {
    event: { type: String, enum: ['join', 'leave', 'rename', 'kick', 'owner'], required: true },
    name: { type: String, required: true },
    newName: { type: String },
  },
  { _id: false },
);

const messageSchema = new Schema(
  {
    room: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['chat', 'gif', 'system', 'whisper', 'delete'], required: true },
    author: { type: personSchema, default: null },
    to: { type: personSchema, default: null },
    system: { type: systemSchema, default: null },
    text: { type: String, default: '' },
    gif: { type: gifSchema, default: null },
    clientId: { type: String },
    /** A `delete` record: the message it took away. */
    deletes: { type: Schema.Types.ObjectId, default: null },
    /** Taken away by its author or the room's owner: its text and GIF are gone, it is never shown. */
    deleted: { type: Boolean, default: false },
    /** The message's place in its room: 1, 2, 3… in the order every instance delivers them. */
    seq: { type: Number, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
// "Latest 50 of a room" and "50 before X" are key-range reads on this index; unique, so two
// instances can never store two messages in one place (see room-sequence.ts).
messageSchema.index({ room: 1, seq: -1 }, { unique: true });
// Finding a message's place from its id (a client's `after` or `before`).
messageSchema.index({ room: 1, _id: -1 });
// A retried send (same author, same clientId) must never store a second message.
messageSchema.index(
  { 'author.id': 1, clientId: 1 },
  { unique: true, partialFilterExpression: { clientId: { $type: 'string' } } },
);

export type RoomDoc = InferSchemaType<typeof roomSchema> & { _id: mongoose.Types.ObjectId };
export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: mongoose.Types.ObjectId };

export const RoomModel = mongoose.model('Room', roomSchema);
export const MessageModel = mongoose.model('Message', messageSchema);
