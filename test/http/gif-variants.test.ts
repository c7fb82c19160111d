// What an upload makes besides the GIF, against each GIF store: a still first frame (PNG) and an
// animated WebP, served with their own types and removed with the message; a GIF sharp cannot
// decode still posts, without them, with one log line; the uploader's description (alt text)
// is stored cleaned and limited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { GIF_STORES, storedGifs } from '../helpers/gif-stores.js';
import { photoPan, undecodableGif } from '../helpers/gif-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';
import type { GifView } from '../../src/shared/protocol.js';

async function postedGif(res: Response): Promise<{ id: string; gif: GifView }> {
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { message: { id: string; gif: GifView } }).message;
}

const hexOf = (url: string) => url.slice('/gif/'.length, '/gif/'.length + 32);

for (const store of GIF_STORES)
  describe(`still frames, WebPs and alt text (GIF_STORE=${store})`, () => {
    let srv: TestServer;
    const warnings: string[] = [];
    before(async () => {
      srv = await startTestServer({ GIF_STORE: store }, { warn: (line) => warnings.push(line) });
    });
    after(async () => {
      await srv.close();
    });

    /** Every file the store holds whose name starts with this upload's hex. */
    async function held(hex: string): Promise<string[]> {
      const s = await storedGifs(srv.uploadDir);
      return [...s.uploadDir, ...s.gridFsFiles].filter((n) => n.startsWith(hex)).sort();
    }

    it('makes a still first frame and a smaller animated WebP, serves both, and removes them with the message', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('variants');
      await a.enter(roomId);
      const bytes = await photoPan();
      const m = await postedGif(await a.uploadGif(roomId, bytes, { name: 'pan.gif' }));
      const hex = hexOf(m.gif.url);
      assert.equal(m.gif.still, `/gif/${hex}.png`);
      assert.equal(m.gif.webp, `/gif/${hex}.webp`);
      assert.deepEqual([m.gif.width, m.gif.height, m.gif.alt], [200, 120, null]);

      const still = await fetch(`${srv.baseUrl}${m.gif.still}`);
      assert.equal(still.headers.get('content-type'), 'image/png');
      assert.equal(still.headers.get('x-content-type-options'), 'nosniff');
      const stillMeta = await sharp(Buffer.from(await still.arrayBuffer())).metadata();
      assert.deepEqual(
        [stillMeta.format, stillMeta.width, stillMeta.height, stillMeta.pages ?? 1],
        ['png', 200, 120, 1],
      );

      const webp = await fetch(`${srv.baseUrl}${m.gif.webp}`);
      assert.equal(webp.headers.get('content-type'), 'image/webp');
      const webpBytes = Buffer.from(await webp.arrayBuffer());
      const webpMeta = await sharp(webpBytes, { animated: true }).metadata();
      assert.deepEqual([webpMeta.format, webpMeta.width, webpMeta.pageHeight, webpMeta.pages], ['webp', 200, 120, 10]);
      assert.ok(
        webpBytes.length < bytes.length / 2,
        `WebP ${webpBytes.length} bytes against the GIF's ${bytes.length}`,
      );

      assert.deepEqual(await held(hex), [`${hex}.gif`, `${hex}.png`, `${hex}.webp`]);
      assert.equal((await a.fetch(`/room/${roomId}/messages/${m.id}`, { method: 'DELETE' })).status, 204);
      await waitFor(async () => (await held(hex)).length === 0, 5000, 'the GIF, its still and its WebP removed');
      for (const url of [m.gif.url, m.gif.still, m.gif.webp]) {
        assert.equal((await fetch(`${srv.baseUrl}${url}`)).status, 404, url);
      }
    });

    it('posts a GIF sharp cannot decode, without a still or WebP, saying why in one log line', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('undecodable');
      await a.enter(roomId);
      const bytes = undecodableGif();
      const before = warnings.length;
      const m = await postedGif(await a.uploadGif(roomId, bytes));
      assert.deepEqual([m.gif.still, m.gif.webp, m.gif.width], [null, null, 8]);
      const served = await fetch(`${srv.baseUrl}${m.gif.url}`);
      assert.equal(served.headers.get('content-type'), 'image/gif');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
      const hex = hexOf(m.gif.url);
      const said = warnings.slice(before);
      assert.equal(said.length, 1, said.join('\n'));
      assert.match(said[0]!, new RegExp(`GIF ${hex}\\.gif posted with no still frame \\(.+\\) and no WebP \\(.+\\)`));
      assert.doesNotMatch(said[0]!, /\n/);
      // Nothing half-made is left: only the GIF.
      assert.deepEqual(await held(hex), [`${hex}.gif`]);
    });

    it('keeps the uploader description, cleaned to one line; refuses one over 200 characters', async () => {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('alt text');
      await a.enter(roomId);
      const described = await postedGif(
        await a.uploadGif(roomId, makeGif(4, 4), { alt: '  A cat\u202e dancing\nin a box\u200b  ' }),
      );
      assert.equal(described.gif.alt, 'A cat dancing in a box');
      const blank = await postedGif(await a.uploadGif(roomId, makeGif(4, 4), { alt: ' \n ' }));
      assert.equal(blank.gif.alt, null);
      const longest = await postedGif(await a.uploadGif(roomId, makeGif(4, 4), { alt: 'ㄱ'.repeat(200) }));
      assert.equal(longest.gif.alt, 'ㄱ'.repeat(200));

      const before = await storedGifs(srv.uploadDir);
      const tooLong = await a.uploadGif(roomId, makeGif(4, 4), { alt: 'x'.repeat(201) });
      assert.equal(tooLong.status, 400);
      assert.match(((await tooLong.json()) as { error: { message: string } }).error.message, /200 characters/);
      assert.deepEqual(await storedGifs(srv.uploadDir), before, 'a refused description leaves no file');

      // Stored with the message: history carries it.
      const page = (await (await a.fetch(`/room/${roomId}/messages`)).json()) as {
        messages: Array<{ id: string; gif: GifView | null }>;
      };
      const alts = page.messages.filter((x) => x.gif).map((x) => x.gif?.alt);
      assert.deepEqual(alts, ['A cat dancing in a box', null, 'ㄱ'.repeat(200)]);
    });
  });

describe('GIF_WEBP_MAX_PIXELS', () => {
  it('a GIF over the WebP budget posts with its still frame and no WebP, and the log says which limit', async () => {
    const warnings: string[] = [];
    // photo-pan decodes to 200 × 120 × 10 = 240,000 pixels.
    const srv = await startTestServer({ GIF_WEBP_MAX_PIXELS: '200000' }, { warn: (line) => warnings.push(line) });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('budget');
      await a.enter(roomId);
      const m = await postedGif(await a.uploadGif(roomId, await photoPan()));
      assert.ok(m.gif.still);
      assert.equal(m.gif.webp, null);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /no WebP \(10 frames of 200×120 is more than the 200000 pixels GIF_WEBP_MAX_PIXELS allows\)/,
      );
    } finally {
      await srv.close();
    }
  });
});
