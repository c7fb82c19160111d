// After a restart nobody is in any room, so every room's idle clock starts: all of them, not only
// the newest page the lobby shows.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RoomModel } from '../../src/store/models.js';
import { insertRoom } from '../../src/store/room-repository.js';
import { waitFor } from '../helpers/wait.js';
import { startTestServer } from '../helpers/server.js';

const ROOMS = 611;

describe('idle reaper after a restart', () => {
  it(`deletes every idle room, all ${ROOMS} of them`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-reaper-'));
    try {
      const first = await startTestServer({ DATA_DIR: dataDir });
      const owner = { id: 'owner-1', nickname: 'owner', color: '#336699' };
      for (let i = 0; i < ROOMS; i += 100) {
        const n = Math.min(100, ROOMS - i);
        await Promise.all(
          Array.from({ length: n }, (_, j) =>
            insertRoom({ title: `room ${i + j}`, max: 5, passwordHash: null, owner }),
          ),
        );
      }
      assert.equal(await RoomModel.countDocuments(), ROOMS);
      await first.close();

      const second = await startTestServer({ DATA_DIR: dataDir, ROOM_IDLE_MS: '200' });
      try {
        await waitFor(async () => (await RoomModel.countDocuments()) === 0, 30_000, 'every room to be reaped').catch(
          async (e: unknown) => {
            throw new Error(`${String(e)}: ${await RoomModel.countDocuments()} of ${ROOMS} rooms left`);
          },
        );
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
