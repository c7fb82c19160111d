// Malformed input closes only the offending connection; the server keeps serving everyone else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'bson';
import { startTarget, usingRealMongo, type TestTarget } from './helpers.js';
import { expectClosed, frame, opMsg, RawClient } from './raw-wire.js';

describe('embedded-db wire protocol', { skip: usingRealMongo() ? 'embedded server only' : false }, () => {
  let target: TestTarget;
  let port: number;
  let healthy: RawClient;

  before(async () => {
    target = await startTarget({ forceEmbedded: true });
    port = target.embedded!.port;
    healthy = await RawClient.connect(port);
  });
  after(async () => {
    healthy.socket.destroy();
    await target.close();
  });

  const stillServing = async () => {
    assert.equal((await healthy.command({ ping: 1, $db: 'admin' })).ok, 1);
  };

  it('answers the legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
    const c = await RawClient.connect(port);
    const ns = Buffer.from('admin.$cmd\0');
    const pre = Buffer.alloc(4);
    const nums = Buffer.alloc(8);
    nums.writeInt32LE(0, 0);
    nums.writeInt32LE(-1, 4);
    c.socket.write(frame(2004, Buffer.concat([pre, ns, nums, Buffer.from(serialize({ isMaster: 1, helloOk: true }))])));
    const r = await c.reply();
    assert.equal(r.opCode, 1);
    assert.equal(r.doc.ismaster, true);
    assert.equal(r.doc.helloOk, true);
    assert.ok(r.doc.maxWireVersion >= 9);
    c.socket.destroy();
  });

  it('sends no reply for moreToCome and keeps order', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(opMsg({ insert: 'w0', documents: [{ _id: 1 }], $db: 'p' }, 2));
    const r = await c.command({ find: 'w0', filter: {}, $db: 'p' });
    assert.equal((r.cursor as { firstBatch: unknown[] }).firstBatch.length, 1);
    c.socket.destroy();
  });

  it('accepts kind-1 document sequences and the checksum flag', async () => {
    const c = await RawClient.connect(port);
    const docs = Buffer.concat([serialize({ _id: 'a' }), serialize({ _id: 'b' })].map((b) => Buffer.from(b)));
    const ident = Buffer.from('documents\0');
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + ident.length + docs.length);
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(1);
    const body = Buffer.concat([
      flags,
      Buffer.from([0]),
      Buffer.from(serialize({ insert: 'seq', $db: 'p' })),
      Buffer.from([1]),
      size,
      ident,
      docs,
      Buffer.alloc(4),
    ]);
    c.socket.write(frame(2013, body));
    const r = await c.reply();
    assert.equal(r.doc.n, 2);
    c.socket.destroy();
  });

  const cases: Array<[string, () => Buffer]> = [
    ['garbage bytes', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a huge declared length', () => Buffer.from([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])],
    ['a negative declared length', () => Buffer.from([0xf0, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
    ['an unknown opcode', () => frame(4242, Buffer.alloc(20))],
    [
      'invalid BSON',
      () =>
        frame(
          2013,
          Buffer.concat([
            Buffer.alloc(4),
            Buffer.from([0]),
            Buffer.from([0x0c, 0, 0, 0, 0x7e, 0x61, 0, 1, 2, 3, 4, 0]),
          ]),
        ),
    ],
    [
      'a truncated document inside a message',
      () =>
        frame(2013, Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from([0x40, 0, 0, 0, 0x10, 0x61, 0])])),
    ],
  ];
  for (const [name, bytes] of cases) {
    it(`closes the connection on ${name}`, async () => {
      const c = await RawClient.connect(port);
      c.socket.write(bytes());
      await expectClosed(c);
      await stillServing();
    });
  }

  it('closes a connection that half-sends a message and hangs up', async () => {
    const c = await RawClient.connect(port);
    c.socket.end(opMsg({ ping: 1, $db: 'admin' }).subarray(0, 20));
    await expectClosed(c);
    await stillServing();
  });
});
