// Scenario 3, persistence (gif-chat only; the peers store nothing): many people in rooms of ten,
// each keeping a couple of chats with a clientId in flight; a chat counts once its ack arrives,
// which the server sends only after the message is stored — and it is broadcast to its room on
// the same path.
import type { Scale } from '../lib/scale.js';
import { startBenchServer } from '../lib/procs.js';
import { round, sleep } from '../lib/stats.js';
import { fillRoom } from './room.js';

export interface PersistResult {
  sockets: number;
  rooms: number;
  window: number;
  msgsPerS: number;
  deliveredPerS: number;
}

const WINDOW = 2;
const PER_ROOM = 10;

export async function persist(scale: Scale): Promise<PersistResult> {
  const server = await startBenchServer('us');
  const rooms = Math.max(1, Math.floor(scale.persistSockets / PER_ROOM));
  const room = await fillRoom(server, scale.persistSockets, scale.loadProcesses, 1, 0, rooms);
  try {
    await sleep(300);
    await room.take();
    const results = await Promise.all(
      room.loads.map((l) =>
        l.call<{ acked: number; ms: number }>('persist', { ms: scale.persistMs, window: WINDOW, pad: 40 }),
      ),
    );
    const delivered = (await room.take()).reduce((n, t) => n + t.received, 0);
    const seconds = Math.max(...results.map((r) => r.ms)) / 1000;
    const acked = results.reduce((n, r) => n + r.acked, 0);
    return {
      sockets: scale.persistSockets,
      rooms,
      window: WINDOW,
      msgsPerS: round(acked / seconds, 0),
      deliveredPerS: round(delivered / seconds, 0),
    };
  } finally {
    await room.close();
    await server.stop();
  }
}
