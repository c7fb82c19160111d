// The wire port is bounded: a message declared over maxMessageSizeBytes is refused before any of
// it is buffered, a message dribbled in too slowly is dropped at a deadline, and neither slows a
// well-behaved driver. A valid message just under the limit still arrives whole, however split.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { startTarget, usingRealMongo, type TestTarget } from './helpers.js';
import { expectClosed, frame, opMsg, RawClient } from './raw-wire.js';

const DEADLINE_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An OP_MSG insert whose kind-1 `documents` section makes the whole message exactly `total` bytes. */
function insertOfSize(total: number, coll: string, db: string): { bytes: Buffer; count: number } {
  const head = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from([0]),
    Buffer.from(serialize({ insert: coll, $db: db })),
    Buffer.from([1]),
  ]);
  const ident = Buffer.from('documents\0');
  const fixed = 16 + head.length + 4 + ident.length;
  const emptyDoc = serialize({ _id: 0, pad: Buffer.alloc(0) }).length;
  const docs: Buffer[] = [];
  let left = total - fixed;
  while (left > 0) {
    const size = Math.min(1_000_000, left);
    // A remainder too small for a document is spread over the one before it.
    const padLen = left - size < emptyDoc ? left - emptyDoc : size - emptyDoc;
    const doc = Buffer.from(serialize({ _id: docs.length, pad: Buffer.alloc(padLen, docs.length % 251) }));
    docs.push(doc);
    left -= doc.length;
  }
  assert.equal(left, 0);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + ident.length + docs.reduce((n, d) => n + d.length, 0));
  const bytes = frame(2013, Buffer.concat([head, size, ident, ...docs]));
  assert.equal(bytes.length, total);
  return { bytes, count: docs.length };
}

describe('embedded-db wire limits', { skip: usingRealMongo() ? 'embedded server only' : false }, () => {
  let target: TestTarget;
  let port: number;
  let driver: MongoClient;
  let maxMessageSizeBytes: number;
  const log: string[] = [];

  before(async () => {
    target = await startTarget({ forceEmbedded: true, messageTimeoutMs: DEADLINE_MS, onLog: (line) => log.push(line) });
    port = target.embedded!.port;
    driver = await MongoClient.connect(target.url, { serverSelectionTimeoutMS: 5000 });
    maxMessageSizeBytes = (await driver.db('admin').command({ hello: 1 })).maxMessageSizeBytes as number;
  });
  after(async () => {
    await driver.close();
    await target.close();
  });

  it('refuses a message declared over maxMessageSizeBytes at its header, and logs it', async () => {
    const c = await RawClient.connect(port);
    const head = Buffer.alloc(16);
    head.writeInt32LE(maxMessageSizeBytes + 1, 0);
    head.writeInt32LE(2013, 12);
    c.socket.write(head);
    await expectClosed(c);
    assert.ok(
      log.some(
        (l) =>
          l.includes(`message length ${maxMessageSizeBytes + 1} is invalid`) &&
          l.includes(`max ${maxMessageSizeBytes}`),
      ),
      `log: ${log.join('\n')}`,
    );
    assert.equal((await driver.db('admin').command({ ping: 1 })).ok, 1);
  });

  it('drops a connection that dribbles a message past the deadline while a driver keeps working', async () => {
    const slow = await RawClient.connect(port);
    const bytes = opMsg({ ping: 1, $db: 'admin' });
    let sent = 0;
    let closed = false;
    void slow.closed.then(() => (closed = true));
    const coll = driver.db(target.dbName).collection('beside_slow');
    let ops = 0;
    // One byte every 250 ms: the whole ping would take about 10 s, far past the 1 s deadline.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by a callback during the awaits
    while (!closed && sent < bytes.length) {
      slow.socket.write(bytes.subarray(sent, ++sent));
      await coll.insertOne({ n: ops++ });
      await sleep(250);
    }
    assert.ok(closed, 'the dribbling connection should have been closed');
    assert.ok(sent < bytes.length, `closed after ${sent} of ${bytes.length} bytes`);
    assert.ok(
      log.some((l) => l.includes(`message not completed within ${DEADLINE_MS} ms`)),
      `log: ${log.join('\n')}`,
    );
    assert.equal(await coll.countDocuments(), ops);
  });

  it('keeps an idle connection and one that pauses briefly inside a message', async () => {
    const c = await RawClient.connect(port);
    await sleep(DEADLINE_MS * 1.5);
    const bytes = opMsg({ ping: 1, $db: 'admin' });
    c.socket.write(bytes.subarray(0, 10));
    await sleep(DEADLINE_MS / 4);
    c.socket.write(bytes.subarray(10));
    assert.equal((await c.reply()).doc.ok, 1);
    // Two messages in one write, then a third split across its header.
    c.socket.write(
      Buffer.concat([opMsg({ ping: 1, $db: 'admin' }), opMsg({ ping: 1, $db: 'admin' }), bytes.subarray(0, 2)]),
    );
    await sleep(50);
    c.socket.write(bytes.subarray(2));
    for (let i = 0; i < 3; i++) assert.equal((await c.reply()).doc.ok, 1);
    c.socket.destroy();
  });

  it('accepts a message of exactly maxMessageSizeBytes sent in thousands of small pieces', async () => {
    const { bytes, count } = insertOfSize(maxMessageSizeBytes, 'big', target.dbName);
    const c = await RawClient.connect(port);
    // The length itself split over three writes, then 16 KB pieces, each waiting for the socket.
    for (const piece of [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3, 9)]) {
      c.socket.write(piece);
      await sleep(20);
    }
    for (let off = 9; off < bytes.length; off += 16_384) {
      if (!c.socket.write(bytes.subarray(off, Math.min(off + 16_384, bytes.length)))) {
        await new Promise((r) => c.socket.once('drain', r));
      }
    }
    const reply = (await c.reply()).doc;
    assert.equal(reply.ok, 1, JSON.stringify(reply));
    assert.equal(reply.n, count);
    c.socket.destroy();
    const coll = driver.db(target.dbName).collection<{ _id: number; pad: unknown }>('big');
    assert.equal(await coll.countDocuments(), count);
    const seventh = await coll.findOne({ _id: 7 });
    const padLen = 1_000_000 - serialize({ _id: 0, pad: Buffer.alloc(0) }).length;
    assert.ok(
      Buffer.from((seventh!.pad as { buffer: Uint8Array }).buffer).equals(Buffer.alloc(padLen, 7)),
      'bytes arrive intact',
    );
  });
});
