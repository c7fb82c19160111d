// A raw MongoDB wire client for tests that must send what no driver would: bad frames, split or
// dribbled messages, oversized declared lengths.
import assert from 'node:assert/strict';
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

export function frame(opCode: number, body: Buffer, requestId = 1): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(16 + body.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(opCode, 12);
  return Buffer.concat([head, body]);
}

export function opMsg(doc: Document, flags = 0): Buffer {
  const f = Buffer.alloc(4);
  f.writeUInt32LE(flags);
  return frame(2013, Buffer.concat([f, Buffer.from([0]), Buffer.from(serialize(doc))]));
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed: Promise<void>;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
  }
  static async connect(port: number): Promise<RawClient> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return new RawClient(s);
  }
  async reply(): Promise<{ opCode: number; doc: Document }> {
    for (;;) {
      if (this.buf.length >= 16 && this.buf.length >= this.buf.readInt32LE(0)) {
        const len = this.buf.readInt32LE(0);
        const msg = this.buf.subarray(0, len);
        this.buf = this.buf.subarray(len);
        const opCode = msg.readInt32LE(12);
        const docStart = opCode === 1 ? 36 : 21;
        return { opCode, doc: deserialize(msg.subarray(docStart)) };
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async command(doc: Document): Promise<Document> {
    this.socket.write(opMsg(doc));
    return (await this.reply()).doc;
  }
}

export async function expectClosed(c: RawClient): Promise<void> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000).unref());
  assert.notEqual(
    await Promise.race([c.closed.then(() => 'closed' as const), timeout]),
    'timeout',
    'connection should close',
  );
}
