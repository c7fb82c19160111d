// Builds `{cursor: {firstBatch|nextBatch: [...], id: Int64, ns}, ok: 1.0}` directly from stored
// document bytes, so found documents reach the client byte-for-byte as stored (exact BSON types)
// without a decode/encode round trip. The reply is measured first and written into one buffer:
// each document's bytes are copied once (nesting buffers made a page's bytes be copied at every
// level, a dozen buffers per document).

const BSON_DOCUMENT = 0x03;
const BSON_ARRAY = 0x04;
const BSON_STRING = 0x02;
const BSON_INT64 = 0x12;
const BSON_DOUBLE = 0x01;

/** Bytes of an element's header: type byte, name, NUL (names here are ASCII). */
const head = (name: string) => 1 + name.length + 1;

function writeHead(out: Buffer, at: number, type: number, name: string): number {
  out[at] = type;
  const end = at + 1 + out.write(name, at + 1, 'latin1');
  out[end] = 0;
  return end + 1;
}

export function encodeCursorReply(
  ns: string,
  id: bigint,
  batchName: 'firstBatch' | 'nextBatch',
  docs: Buffer[],
): Buffer {
  const nsBytes = Buffer.byteLength(ns, 'utf8');
  let arrayLen = 4 + 1;
  for (const [i, doc] of docs.entries()) arrayLen += head(String(i)) + doc.length;
  const cursorLen = 4 + head(batchName) + arrayLen + head('id') + 8 + head('ns') + 4 + nsBytes + 1 + 1;
  const total = 4 + head('cursor') + cursorLen + head('ok') + 8 + 1;

  const out = Buffer.allocUnsafe(total);
  let at = out.writeInt32LE(total, 0);
  at = writeHead(out, at, BSON_DOCUMENT, 'cursor');
  at = out.writeInt32LE(cursorLen, at);
  at = writeHead(out, at, BSON_ARRAY, batchName);
  at = out.writeInt32LE(arrayLen, at);
  for (const [i, doc] of docs.entries()) {
    at = writeHead(out, at, BSON_DOCUMENT, String(i));
    at += doc.copy(out, at);
  }
  out[at++] = 0;
  at = writeHead(out, at, BSON_INT64, 'id');
  at = out.writeBigInt64LE(id, at);
  at = writeHead(out, at, BSON_STRING, 'ns');
  at = out.writeInt32LE(nsBytes + 1, at);
  at += out.write(ns, at, 'utf8');
  out[at++] = 0;
  out[at++] = 0;
  at = writeHead(out, at, BSON_DOUBLE, 'ok');
  at = out.writeDoubleLE(1, at);
  out[at] = 0;
  return out;
}
