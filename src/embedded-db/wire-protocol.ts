// Framing and parsing of MongoDB wire messages (OP_MSG, legacy OP_QUERY) and reply encoding.
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

/** Largest message accepted, as mongod; `hello` reports it as maxMessageSizeBytes. */
export const MAX_MESSAGE_BYTES = 48_000_000;
const HEADER = 16;
const MIN_MESSAGE_BYTES = HEADER + 5;

export const FLAG_CHECKSUM = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;

export class ProtocolError extends Error {}

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface Request {
  header: Header;
  /** The command document with any kind-1 document sequences folded in as arrays (exact BSON types). */
  command: Document;
  /** True when the client expects no reply (OP_MSG moreToCome). */
  noReply: boolean;
  legacy: boolean;
  exhaustAllowed: boolean;
}

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

/** Validates a declared length before buffering that many bytes; returns it. */
export function checkLength(length: number): number {
  if (length < MIN_MESSAGE_BYTES || length > MAX_MESSAGE_BYTES) {
    // Logged like mongod's own "recv(): message msgLen N is invalid. Min 16 Max: 48000000".
    throw new ProtocolError(`message length ${length} is invalid (min ${MIN_MESSAGE_BYTES}, max ${MAX_MESSAGE_BYTES})`);
  }
  return length;
}

const EXACT = { promoteValues: false, promoteBuffers: false, bsonRegExp: false, validation: { utf8: true } } as const;

function readDoc(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError('invalid document size');
  const doc = deserialize(buf.subarray(offset, offset + size), EXACT);
  return { doc, next: offset + size };
}

function cstring(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

function parseMsg(buf: Buffer, header: Header): Request {
  const flags = buf.readUInt32LE(HEADER);
  let end = buf.length;
  if (flags & FLAG_CHECKSUM) end -= 4;
  let off = HEADER + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (off < end) {
    const kind = buf[off++];
    if (kind === 0) {
      const r = readDoc(buf, off, end);
      body = r.doc;
      off = r.next;
    } else if (kind === 1) {
      if (off + 4 > end) throw new ProtocolError('truncated section');
      const size = buf.readInt32LE(off);
      const secEnd = off + size;
      if (size < 5 || secEnd > end) throw new ProtocolError('invalid section size');
      const id = cstring(buf, off + 4, secEnd);
      const docs: Document[] = [];
      let p = id.next;
      while (p < secEnd) {
        const r = readDoc(buf, p, secEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      off = secEnd;
    } else {
      throw new ProtocolError(`unknown section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without body');
  for (const [id, docs] of sequences) body[id] = docs;
  return {
    header,
    command: body,
    noReply: (flags & FLAG_MORE_TO_COME) !== 0,
    legacy: false,
    exhaustAllowed: (flags & (1 << 16)) !== 0,
  };
}

function parseQuery(buf: Buffer, header: Header): Request {
  const end = buf.length;
  const ns = cstring(buf, HEADER + 4, end);
  const r = readDoc(buf, ns.next + 8, end);
  let command = r.doc;
  // Legacy drivers wrap commands as {$query: {...}, $readPreference: ...}.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  const dot = ns.value.indexOf('.');
  const db = dot > 0 ? ns.value.slice(0, dot) : 'admin';
  const collection = dot > 0 ? ns.value.slice(dot + 1) : '';
  if (collection !== '$cmd') {
    // OP_QUERY on a real collection was removed in MongoDB 5.1; answer like a modern server.
    command = { __legacyFind: collection };
  }
  command.$db = db;
  return { header, command, noReply: false, legacy: true, exhaustAllowed: false };
}

/** Parses one complete message; throws ProtocolError (or a BSON error) for anything malformed. */
export function parseMessage(buf: Buffer): Request {
  const header = readHeader(buf);
  if (header.opCode === OP_MSG) return parseMsg(buf, header);
  if (header.opCode === OP_QUERY) return parseQuery(buf, header);
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

/** A message of `body`'s parts after the header, copied once into one buffer. */
function frame(opCode: number, responseTo: number, body: Buffer[]): Buffer {
  const head = Buffer.alloc(HEADER);
  const length = body.reduce((n, part) => n + part.length, HEADER);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return Buffer.concat([head, ...body], length);
}

/**
 * Encodes a reply document (object or pre-encoded BSON) for the request's protocol. `stream`: an
 * exhaust reply (OP_MSG only): flagged moreToCome, answering `responseTo` (the previous reply of
 * the stream; the request itself for the first).
 */
export function encodeReply(req: Request, reply: Document | Buffer, stream?: { responseTo: number }): Buffer {
  const bson = Buffer.isBuffer(reply) ? reply : Buffer.from(serialize(reply));
  if (req.legacy) {
    const pre = Buffer.alloc(20);
    pre.writeInt32LE(0, 0); // responseFlags
    pre.writeBigInt64LE(0n, 4); // cursorID
    pre.writeInt32LE(0, 12); // startingFrom
    pre.writeInt32LE(1, 16); // numberReturned
    return frame(OP_REPLY, req.header.requestId, [pre, bson]);
  }
  const pre = Buffer.alloc(5);
  pre.writeUInt32LE(stream ? FLAG_MORE_TO_COME : 0, 0);
  pre[4] = 0;
  return frame(OP_MSG, stream?.responseTo ?? req.header.requestId, [pre, bson]);
}
