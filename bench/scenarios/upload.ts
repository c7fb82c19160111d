// Scenario 5, upload (gif-chat only): a GIF just under UPLOAD_MAX_BYTES posted to a room full of
// sockets. Reports the time from the start of the POST until every member has the message frame,
// and the server's peak RSS over the upload (sampled every 5 ms) minus its RSS before it.
import type { Scale } from '../lib/scale.js';
import { startBenchServer } from '../lib/procs.js';
import { round, sleep } from '../lib/stats.js';
import { enterRoom } from '../load/visitors.js';
import { fillRoom } from './room.js';

export interface UploadResult {
  bytes: number;
  members: number;
  uploads: number;
  msToEveryone: number;
  peakRssMbDelta: number;
}

/** A valid GIF89a of `bytes` bytes: a 320×240 screen, a comment extension as filler, one pixel. */
export function bigGif(bytes: number): Buffer {
  const head = Buffer.from([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
  ]);
  const tail = Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]);
  const blocks = Math.floor((bytes - head.length - tail.length - 3) / 256);
  const comment = Buffer.alloc(2 + blocks * 256 + 1, 0x61);
  comment[0] = 0x21;
  comment[1] = 0xfe;
  for (let b = 0; b < blocks; b++) comment[2 + b * 256] = 255;
  comment[comment.length - 1] = 0;
  return Buffer.concat([head, comment, tail]);
}

const UPLOADS = 3;

export async function upload(scale: Scale): Promise<UploadResult> {
  const server = await startBenchServer('us', { UPLOAD_MAX_BYTES: String(Math.max(scale.uploadBytes, 1024)) });
  const room = await fillRoom(server, scale.uploadMembers, scale.loadProcesses, scale.tabsPerVisitor, 0);
  const gif = bigGif(scale.uploadBytes - 4096);
  const ownerSocket = await enterRoom(room.owner!, room.roomId);
  try {
    await sleep(500);
    let worstDelta = 0;
    const times: number[] = [];
    for (let i = 0; i < UPLOADS; i++) {
      await room.take();
      const rss0 = await server.remote.call<number>('rssWatchStart');
      const t0 = performance.now();
      const form = new FormData();
      form.append('gif', new Blob([gif], { type: 'image/gif' }), 'big.gif');
      const res = await fetch(`${server.origin}/room/${room.roomId}/gif`, {
        method: 'POST',
        headers: { cookie: room.owner!.cookie, 'x-csrf-token': room.owner!.csrfToken, accept: 'application/json' },
        body: form,
      });
      if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
      for (let got = 0; got < scale.uploadMembers;) {
        got += (await room.take()).reduce((n, t) => n + t.received, 0);
        if (got < scale.uploadMembers) await sleep(2);
        if (performance.now() - t0 > 30_000)
          throw new Error(`upload: only ${got} of ${scale.uploadMembers} members got the frame`);
      }
      times.push(performance.now() - t0);
      const peak = await server.remote.call<number>('rssWatchStop');
      worstDelta = Math.max(worstDelta, peak - rss0);
    }
    times.sort((a, b) => a - b);
    return {
      bytes: gif.length,
      members: scale.uploadMembers,
      uploads: UPLOADS,
      msToEveryone: round(times[Math.floor(times.length / 2)]!, 1),
      peakRssMbDelta: round(worstDelta / 1024 / 1024, 2),
    };
  } finally {
    ownerSocket.close();
    await room.close();
    await server.stop();
  }
}
