// Two instances with their own DATA_DIR and UPLOAD_DIR and one shared database, GIF_STORE=gridfs:
// each serves the other's uploads byte for byte, and deleting the room removes its GIFs from
// GridFS for both. Real processes: the standalone database and two app servers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import mongoose from 'mongoose';
import { startApp, startStandaloneDb, stopProcess } from '../helpers/processes.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

/** A valid GIF of about `bytes`, padded with a comment of random bytes: several GridFS chunks. */
function bigGif(bytes: number): Buffer {
  const small = makeGif(3, 2);
  const blocks: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let left = bytes; left > 0; left -= 255) blocks.push(Buffer.from([255]), randomBytes(255));
  blocks.push(Buffer.from([0]));
  // After the header, screen and colour table (19 bytes), before the image.
  return Buffer.concat([small.subarray(0, 19), ...blocks, small.subarray(19)]);
}

function upload(v: Visitor, roomId: string, bytes: Buffer): Promise<Response> {
  return v.uploadGif(roomId, bytes);
}

async function posted(res: Response): Promise<string> {
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { message: { gif: { url: string } } }).message.gif.url;
}

async function served(baseUrl: string, url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(`${baseUrl}${url}`);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('GIFs without a shared disk (GIF_STORE=gridfs)', () => {
  it("two instances serve each other's uploads, and deleting the room removes them from GridFS", async () => {
    const dirs = await Promise.all(
      ['db', 'one', 'two'].map((n) => mkdtemp(path.join(tmpdir(), `gifchat-shared-${n}-`))),
    );
    const [dbDir, oneDir, twoDir] = dirs as [string, string, string];
    const { child: db, port } = await startStandaloneDb(dbDir);
    const mongoUrl = `mongodb://127.0.0.1:${port}/gifchat`;
    const env = { MONGO_URL: mongoUrl, GIF_STORE: 'gridfs' };
    const apps = await Promise.all([startApp(oneDir, env), startApp(twoDir, env)]);
    const direct = await mongoose.createConnection(mongoUrl).asPromise();
    try {
      const [one, two] = apps.map((a) => a.url) as [string, string];
      const a = await Visitor.create(one);
      const b = await Visitor.create(two);
      const roomId = await a.createRoom('shared gifs');
      const sockets = [await a.enter(roomId), await b.enter(roomId)];
      const fromOne = bigGif(600_000);
      const fromTwo = makeGif(7, 9);
      const urls = [await posted(await upload(a, roomId, fromOne)), await posted(await upload(b, roomId, fromTwo))];

      for (const base of [one, two]) {
        for (const [url, bytes] of [
          [urls[0]!, fromOne],
          [urls[1]!, fromTwo],
        ] as const) {
          const got = await served(base, url);
          assert.equal(got.status, 200, `${url} from ${base}`);
          assert.equal(got.type, 'image/gif');
          assert.ok(got.body.equals(bytes), `${url} from ${base} byte for byte`);
        }
      }
      // A range across GridFS's chunk boundary (255 KiB) reads from two chunks.
      const part = await fetch(`${two}${urls[0]!}`, { headers: { range: 'bytes=261000-261300' } });
      assert.equal(part.status, 206);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(fromOne.subarray(261000, 261301)));
      // Neither instance kept a GIF on its own disk; the big one spans several chunks.
      for (const dir of [oneDir, twoDir]) assert.deepEqual(await readdir(path.join(dir, 'up')), []);
      const files = direct.collection('gifs.files');
      const chunks = direct.collection('gifs.chunks');
      // Each GIF with its still frame; the big one's WebP too (the tiny one's would be larger than it).
      const names = (await files.find().toArray()).map((f) => String(f.filename).replace(/^[0-9a-f]{32}/, ''));
      assert.deepEqual(names.sort(), ['.gif', '.gif', '.png', '.png', '.webp']);
      assert.ok((await chunks.countDocuments()) >= 4);
      // The indexes the driver makes on first upload exist in the embedded database too: the unique
      // one keeps two writers from storing the same chunk twice.
      const chunkIndex = (await chunks.indexes()).find((i) => i.name === 'files_id_1_n_1');
      assert.deepEqual([chunkIndex?.key, chunkIndex?.unique], [{ files_id: 1, n: 1 }, true]);
      assert.ok((await files.indexes()).some((i) => i.name === 'filename_1_uploadDate_1'));

      assert.equal((await a.fetch(`/room/${roomId}`, { method: 'DELETE' })).status, 204);
      assert.equal(await files.countDocuments(), 0);
      assert.equal(await chunks.countDocuments(), 0);
      for (const base of [one, two]) {
        for (const url of urls) assert.equal((await served(base, url)).status, 404, `${url} from ${base}`);
      }
      for (const s of sockets) s.close();
    } finally {
      await direct.close();
      await Promise.all(apps.map((a) => stopProcess(a.child)));
      await stopProcess(db);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  });
});
