// Scenario 2, idle connections: heap and RSS per connected, authenticated, silent socket. The
// server is measured after a full GC before the sockets open (sessions already made) and again
// with them all open.
import type { Scale } from '../lib/scale.js';
import { split, startBenchServer, startLoad, stopAll } from '../lib/procs.js';
import type { MemSample } from '../peers/server-stats.js';
import { round, sleep } from '../lib/stats.js';
import type { ServerKind } from '../load/dialects.js';
import type { OpenArgs } from '../load/clients.js';

export interface IdleResult {
  kind: ServerKind;
  sockets: number;
  heapKbPerConn: number;
  rssKbPerConn: number;
}

export async function idle(kind: ServerKind, scale: Scale): Promise<IdleResult> {
  const server = await startBenchServer(kind);
  const loads = startLoad(scale.loadProcesses);
  try {
    // Warm the code paths with a few sockets first so the baseline includes compiled code.
    await loads[0]!.call('open', {
      kind,
      port: server.port,
      count: 10,
      tabsPerVisitor: 10,
      roomId: null,
      sampleEvery: 0,
      procId: 0,
    } satisfies OpenArgs);
    await loads[0]!.call('closeAll');
    const plan = split(scale.idleSockets, loads.length).map((count, i): OpenArgs => ({
      kind,
      port: server.port,
      count,
      tabsPerVisitor: 10,
      roomId: null,
      sampleEvery: 0,
      procId: i,
    }));
    if (kind === 'us') await Promise.all(plan.map((args, i) => loads[i]!.call('prepare', args)));
    await sleep(500);
    const before = await server.remote.call<MemSample>('mem');
    await Promise.all(plan.map((args, i) => loads[i]!.call('open', args)));
    await sleep(500);
    const after = await server.remote.call<MemSample>('mem');
    return {
      kind,
      sockets: scale.idleSockets,
      heapKbPerConn: round((after.heapUsed - before.heapUsed) / 1024 / scale.idleSockets, 2),
      rssKbPerConn: round((after.rss - before.rss) / 1024 / scale.idleSockets, 2),
    };
  } finally {
    await Promise.all(loads.map((l) => l.call('closeAll').catch(() => undefined)));
    await stopAll(loads);
    await server.stop();
  }
}
