// Builds `{cursor: {firstBatch|nextBatch: [...], id: Int64, ns}, ok: 1}` directly from stored
// document bytes, so found documents reach the client byte-for-byte as stored (exact BSON types)
// without a decode/encode round trip.

function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function docWith(elements: Buffer[]): Buffer {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length + 4);
  return Buffer.concat([len, body]);
}

export function encodeCursorReply(
  ns: string,
  id: bigint,
  batchName: 'firstBatch' | 'nextBatch',
  docs: Buffer[],
): Buffer {
  const arrayEls = docs.map((d, i) => Buffer.concat([Buffer.from([0x03]), cstr(String(i)), d]));
  const idBytes = Buffer.alloc(8);
  idBytes.writeBigInt64LE(id);
  const nsBytes = Buffer.from(ns, 'utf8');
  const nsLen = Buffer.alloc(4);
  nsLen.writeInt32LE(nsBytes.length + 1);
  const cursor = docWith([
    Buffer.concat([Buffer.from([0x04]), cstr(batchName), docWith(arrayEls)]),
    Buffer.concat([Buffer.from([0x12]), cstr('id'), idBytes]),
    Buffer.concat([Buffer.from([0x02]), cstr('ns'), nsLen, nsBytes, Buffer.from([0])]),
  ]);
  const ok = Buffer.alloc(8);
  ok.writeDoubleLE(1);
  return docWith([
    Buffer.concat([Buffer.from([0x03]), cstr('cursor'), cursor]),
    Buffer.concat([Buffer.from([0x01]), cstr('ok'), ok]),
  ]);
}
