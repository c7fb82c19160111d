// UPLOAD_MAX_PIXELS holds for every frame, not just the logical screen: GIFs crafted byte by byte
// and sent as real multipart uploads. A small screen with a huge frame, frames outside the screen,
// too many pixels over all frames, and GIFs that are not whole (header only, no trailer, cut-short
// blocks) are refused with a reason and leave nothing on disk or in GridFS; a real multi-frame GIF passes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GIF_STORES, storedGifs } from '../helpers/gif-stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

interface Frame {
  left?: number;
  top?: number;
  width: number;
  height: number;
  /** The LZW data sub-blocks, terminator included; default: one white pixel. */
  data?: Buffer;
  localTable?: boolean;
}

const u16 = (n: number) => Buffer.from([n & 0xff, n >> 8]);
const PIXEL = Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]); // min code size 2; clear, 1, end

/** A GIF89a built block by block; `trailer: false` leaves the end marker off. */
function gif(screen: [number, number], frames: Frame[], opts: { trailer?: boolean; loop?: boolean } = {}): Buffer {
  const parts: Buffer[] = [
    Buffer.from('GIF89a', 'latin1'),
    u16(screen[0]),
    u16(screen[1]),
    Buffer.from([0x80, 0, 0, 0, 0, 0, 255, 255, 255]),
  ];
  // NETSCAPE2.0 application extension: loop forever.
  if (opts.loop)
    parts.push(Buffer.from([0x21, 0xff, 0x0b]), Buffer.from('NETSCAPE2.0', 'latin1'), Buffer.from([3, 1, 0, 0, 0]));
  for (const f of frames) {
    parts.push(Buffer.from([0x21, 0xf9, 4, 0x04, 10, 0, 0, 0])); // graphic control: 100 ms, keep
    const flags = f.localTable ? 0x80 : 0;
    parts.push(
      Buffer.from([0x2c]),
      u16(f.left ?? 0),
      u16(f.top ?? 0),
      u16(f.width),
      u16(f.height),
      Buffer.from([flags]),
    );
    if (f.localTable) parts.push(Buffer.from([255, 0, 0, 0, 0, 255]));
    parts.push(f.data ?? PIXEL);
  }
  if (opts.trailer !== false) parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

function upload(v: Visitor, roomId: string, bytes: Buffer) {
  return v.uploadGif(roomId, bytes);
}

for (const store of GIF_STORES)
  describe(`GIF frames against the pixel caps (GIF_STORE=${store})`, () => {
    let srv: TestServer;
    let v: Visitor;
    let roomId: string;
    before(async () => {
      srv = await startTestServer({
        UPLOAD_MAX_BYTES: '65536',
        UPLOAD_MAX_PIXELS: '1000000',
        UPLOAD_MAX_TOTAL_PIXELS: '2500000',
        GIF_STORE: store,
      });
      v = await Visitor.create(srv.baseUrl);
      roomId = await v.createRoom('frames');
      await v.enter(roomId);
    });
    after(async () => {
      await srv.close();
    });

    it('refuses a 1×1 screen carrying a 20000×20000 frame (a few dozen bytes)', async () => {
      const bomb = gif([1, 1], [{ width: 20000, height: 20000 }]);
      assert.ok(bomb.length < 64);
      const before = await storedGifs(srv.uploadDir);
      const res = await upload(v, roomId, bomb);
      assert.equal(res.status, 413);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'gif_too_big');
      assert.match(body.error.message, /Frame 1 .*20000×20000/);
      assert.deepEqual(await storedGifs(srv.uploadDir), before);
    });

    it('refuses broken and oversized structures with a reason, storing nothing', async () => {
      const before = await storedGifs(srv.uploadDir);
      const header = gif([10, 10], []).subarray(0, 19); // signature, screen, colour table: no image
      const cases: Array<[string, Buffer, number, RegExp]> = [
        ['header only', header, 415, /cut short|no picture/],
        ['header and trailer, no image', gif([10, 10], []), 415, /no picture/],
        ['no trailer', gif([10, 10], [{ width: 1, height: 1 }], { trailer: false }), 415, /cut short/],
        [
          'data sub-block cut short',
          gif([10, 10], [{ width: 1, height: 1, data: Buffer.from([2, 200, 1, 2, 3]) }], { trailer: false }),
          415,
          /cut short/,
        ],
        [
          'unknown block',
          Buffer.concat([gif([10, 10], [{ width: 1, height: 1 }], { trailer: false }), Buffer.from([0x99, 0x3b])]),
          415,
          /unknown block/,
        ],
        [
          'frame outside the screen',
          gif([100, 100], [{ left: 50, width: 100, height: 100 }]),
          415,
          /outside its 100×100 picture/,
        ],
        ['zero-size frame', gif([10, 10], [{ width: 0, height: 5 }]), 415, /no size/],
        ['screen over the cap', gif([2000, 1000], [{ width: 1, height: 1 }]), 413, /2000×1000/],
        [
          'frames over the total',
          gif(
            [1000, 1000],
            [0, 1, 2].map(() => ({ width: 1000, height: 1000 })),
          ),
          413,
          /add up to more than 2500000/,
        ],
      ];
      for (const [name, bytes, status, reason] of cases) {
        const res = await upload(v, roomId, bytes);
        assert.equal(res.status, status, name);
        const body = (await res.json()) as { error: { message: string } };
        assert.match(body.error.message, reason, name);
      }
      assert.deepEqual(await storedGifs(srv.uploadDir), before);
    });

    it('accepts a real multi-frame GIF within the caps and serves it byte for byte', async () => {
      const corners = [
        { left: 0, top: 0 },
        { left: 1, top: 0, localTable: true },
        { left: 0, top: 1 },
        { left: 1, top: 1 },
      ].map((f) => ({ ...f, width: 1, height: 1 }));
      const animation = gif([2, 2], corners, { loop: true });
      // Two frames of 1000×500 in a 1000×1000 screen: 1,000,000 pixels in all, under both caps.
      const halves = gif(
        [1000, 1000],
        [
          { width: 1000, height: 500 },
          { top: 500, width: 1000, height: 500 },
        ],
      );
      for (const [bytes, size] of [
        [animation, [2, 2]],
        [halves, [1000, 1000]],
      ] as const) {
        const res = await upload(v, roomId, bytes);
        assert.equal(res.status, 201);
        const { message } = (await res.json()) as { message: { gif: { url: string; width: number; height: number } } };
        assert.deepEqual([message.gif.width, message.gif.height], size);
        const served = await fetch(`${srv.baseUrl}${message.gif.url}`);
        assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
      }
    });
  });
