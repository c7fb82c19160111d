// GIF uploads with real multipart requests, against each GIF store: a good GIF reaches every
// member and is served as image/gif; anything else is refused with the right status and leaves
// nothing behind, on disk or in GridFS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GIF_STORES, storedGifs } from '../helpers/gif-stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
  'hex',
);

function upload(v: Visitor, roomId: string, bytes: Buffer, name = 'x.gif', csrf = true) {
  return v.uploadGif(roomId, bytes, { name, csrf });
}

for (const store of GIF_STORES)
  describe(`GIF uploads (GIF_STORE=${store})`, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ UPLOAD_MAX_BYTES: '65536', UPLOAD_MAX_PIXELS: '1000000', GIF_STORE: store });
    });
    after(async () => {
      await srv.close();
    });

    it('a GIF reaches every member of the room at once and is served as image/gif', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const b = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('gifs');
      await a.enter(roomId);
      const wa = await a.socket(srv.wsUrl);
      const wb = await b.socket(srv.wsUrl);
      for (const w of [wa, wb]) {
        await w.join(roomId);
      }
      const gif = makeGif(32, 24);
      const res = await upload(a, roomId, gif, '../../etc/passwd.gif');
      assert.equal(res.status, 201);
      const { message } = (await res.json()) as {
        message: { id: string; gif: { url: string; width: number; height: number } };
      };
      assert.deepEqual([message.gif.width, message.gif.height], [32, 24]);
      assert.match(message.gif.url, /^\/gif\/[0-9a-f]{32}\.gif$/);
      for (const w of [wa, wb]) {
        const live = await w.next('message', (f) => f.message.kind === 'gif');
        assert.equal(live.message.id, message.id);
      }
      const served = await fetch(`${srv.baseUrl}${message.gif.url}`);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/gif');
      assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), gif);
      // The GIF is where the store keeps it, and only there.
      const file = message.gif.url.slice('/gif/'.length);
      const held = await storedGifs(srv.uploadDir);
      assert.deepEqual(
        [held.uploadDir.includes(file), held.gridFsFiles.includes(file)],
        store === 'disk' ? [true, false] : [false, true],
      );
      // As res.sendFile did: one byte range, HEAD without a body, and a revalidation by ETag.
      const part = await fetch(`${srv.baseUrl}${message.gif.url}`, { headers: { range: 'bytes=6-9' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 6-9/${gif.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), gif.subarray(6, 10));
      const past = await fetch(`${srv.baseUrl}${message.gif.url}`, { headers: { range: `bytes=${gif.length}-` } });
      assert.equal(past.status, 416);
      const head = await fetch(`${srv.baseUrl}${message.gif.url}`, { method: 'HEAD' });
      assert.equal(head.headers.get('content-length'), String(gif.length));
      assert.match(head.headers.get('cache-control') ?? '', /max-age=31536000/);
      const etag = head.headers.get('etag') ?? '';
      const again = await fetch(`${srv.baseUrl}${message.gif.url}`, {
        // fetch adds Cache-Control: no-cache to a conditional request unless one is given.
        headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
      });
      assert.equal(again.status, 304);
      wa.close();
      wb.close();
    });

    it('refuses what is not a GIF, too large, too many pixels, or missing — leaving nothing behind', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('refusals');
      await a.enter(roomId);
      const before = await storedGifs(srv.uploadDir);
      const cases: Array<[string, Promise<Response>, number]> = [
        ['png named .gif', upload(a, roomId, PNG, 'cat.gif'), 415],
        ['html named .gif', upload(a, roomId, Buffer.from('<script>alert(1)</script>'), 'x.gif'), 415],
        ['polyglot: html then GIF', upload(a, roomId, Buffer.concat([Buffer.from('<html>'), makeGif()])), 415],
        ['truncated GIF', upload(a, roomId, Buffer.from('GIF89a')), 415],
        ['too many bytes', upload(a, roomId, Buffer.concat([makeGif(), Buffer.alloc(70_000)])), 413],
        ['too many pixels', upload(a, roomId, makeGif(5000, 5000)), 413],
        ['zero size', upload(a, roomId, makeGif(0, 10)), 415],
        ['no CSRF token', upload(a, roomId, makeGif(), 'x.gif', false), 403],
      ];
      for (const [name, pending, status] of cases) {
        const res = await pending;
        assert.equal(res.status, status, name);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.ok(body.error.message, name);
      }
      const wrongField = new FormData();
      wrongField.append('file', new Blob([makeGif()]), 'x.gif');
      assert.equal((await a.fetch(`/room/${roomId}/gif`, { method: 'POST', body: wrongField })).status, 400);
      const empty = new FormData();
      empty.append('note', 'no file');
      assert.equal((await a.fetch(`/room/${roomId}/gif`, { method: 'POST', body: empty })).status, 400);
      const two = new FormData();
      two.append('gif', new Blob([makeGif()]), 'a.gif');
      two.append('gif', new Blob([makeGif()]), 'b.gif');
      assert.equal((await a.fetch(`/room/${roomId}/gif`, { method: 'POST', body: two })).status, 400);
      assert.equal((await upload(a, '0123456789abcdef01234567', makeGif())).status, 404);
      assert.deepEqual(await storedGifs(srv.uploadDir), before);
    });

    it('refuses an upload into a private room without a grant, writing nothing', async () => {
      const owner = await Visitor.create(srv.baseUrl);
      const stranger = await Visitor.create(srv.baseUrl);
      const roomId = await owner.createRoom('private gifs', { password: 'pw' });
      const before = await storedGifs(srv.uploadDir);
      assert.equal((await upload(stranger, roomId, makeGif())).status, 403);
      assert.deepEqual(await storedGifs(srv.uploadDir), before);
    });

    it('serves only server-made names', async () => {
      for (const path of ['/gif/..%2f..%2fetc%2fpasswd', '/gif/x.gif', '/gif/' + 'a'.repeat(32) + '.gif', '/gif/%00']) {
        const res = await fetch(`${srv.baseUrl}${path}`, { headers: { accept: 'application/json' } });
        assert.equal(res.status, 404, path);
      }
    });
  });
