// A full disk is the server's passing problem, not the client's fault and not a crash: an upload
// or a chat that cannot be written gets 503 with Retry-After and a sentence, the log gets one line,
// no partial file stays, and writes work again once there is room. The disks are real: tiny tmpfs
// mounts filled to the last byte (mounting needs root; elsewhere the test says why it skips).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, rmdir, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { GIF_STORES, storedGifs } from '../helpers/gif-stores.js';
import { startTestServer } from '../helpers/server.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

/** A fresh tmpfs of `size`, or the reason there cannot be one here. */
async function tinyDisk(size: string): Promise<{ dir: string; unmount(): Promise<void> } | string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    await rmdir(dir);
    return `cannot mount a tmpfs here (needs root): ${(err as Error).message.split('\n')[0]}`;
  }
  return {
    dir,
    async unmount() {
      execFileSync('umount', [dir]);
      await rmdir(dir);
    },
  };
}

/** Takes every free byte of the filesystem at `dir`. */
async function fill(dir: string): Promise<string> {
  const { bavail, bsize } = await statfs(dir);
  const filler = path.join(dir, 'filler');
  await writeFile(filler, Buffer.alloc(bavail * bsize));
  return filler;
}

function captureErrors(): { lines: string[]; restore(): void } {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) =>
    lines.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
  return { lines, restore: () => (console.error = original) };
}

async function assertDiskFull(res: Response): Promise<void> {
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '60');
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'disk_full');
  assert.match(body.error.message, /out of disk space/);
}

describe('a full disk', () => {
  // With GridFS the upload folder still takes each upload while its bytes are checked.
  for (const store of GIF_STORES)
    it(`an upload to a full upload folder gets 503 with Retry-After and leaves no file (GIF_STORE=${store})`, async (t) => {
      const disk = await tinyDisk('256k');
      if (typeof disk === 'string') return t.skip(disk);
      const srv = await startTestServer({ UPLOAD_DIR: disk.dir, UPLOAD_MAX_BYTES: '1048576', GIF_STORE: store });
      const log = captureErrors();
      try {
        const v = await Visitor.create(srv.baseUrl);
        const roomId = await v.createRoom('full');
        await v.enter(roomId);
        const filler = await fill(disk.dir);
        await assertDiskFull(await v.uploadGif(roomId, Buffer.concat([makeGif(), Buffer.alloc(100_000)])));
        assert.deepEqual(await storedGifs(disk.dir), { uploadDir: ['filler'], gridFsFiles: [], gridFsChunks: 0 });
        assert.equal(log.lines.length, 1, log.lines.join('\n'));
        assert.match(log.lines[0]!, /gif: 503, the disk is full/);

        await rm(filler);
        assert.equal((await v.uploadGif(roomId)).status, 201);
      } finally {
        log.restore();
        await srv.close();
        await disk.unmount();
      }
    });

  it('a chat the database cannot store for lack of disk gets 503 with Retry-After, and works again after', async (t) => {
    const disk = await tinyDisk('16m');
    if (typeof disk === 'string') return t.skip(disk);
    const uploads = await mkdtemp(path.join(tmpdir(), 'gifchat-full-up-'));
    const srv = await startTestServer({ DATA_DIR: disk.dir, UPLOAD_DIR: uploads, CHAT_PER_10S: '1000' });
    const log = captureErrors();
    try {
      const v = await Visitor.create(srv.baseUrl);
      const roomId = await v.createRoom('full db');
      const socket = await v.enter(roomId);
      const filler = await fill(disk.dir);
      // The database may still have a few free pages of its own (the join was written): the
      // first chat that needs a new one is refused.
      let res = await v.postJson(`/room/${roomId}/chat`, { chat: 'x'.repeat(2000) });
      for (let i = 0; i < 50 && res.status === 201; i++)
        res = await v.postJson(`/room/${roomId}/chat`, { chat: 'x'.repeat(2000) });
      await assertDiskFull(res);
      // Over the socket the same failure is a passing one too, not an internal error.
      socket.send({ type: 'chat', roomId, text: 'y'.repeat(2000), clientId: 'full-1' });
      const refused = await socket.next('error', (f) => f.clientId === 'full-1');
      assert.equal(refused.code, 'unavailable');
      assert.match(refused.message, /disk space/);
      assert.ok(
        log.lines.some((l) => /chat: 503, the disk is full/.test(l)),
        log.lines.join('\n'),
      );
      assert.ok(!log.lines.some((l) => /\[gif-chat\][\s\S]*\n\s+at /.test(l)), 'no stack trace from the app');

      await rm(filler);
      assert.equal((await v.postJson(`/room/${roomId}/chat`, { chat: 'room again' })).status, 201);
      socket.close();
    } finally {
      log.restore();
      await srv.close();
      await disk.unmount();
      await rm(uploads, { recursive: true, force: true });
    }
  });
});
