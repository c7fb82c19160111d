// A room full of load sockets on any of the three servers (on one instance, or spread over
// several instances of one server), ready for a scenario.
import type { OpenArgs, Taken } from '../load/clients.js';
import { createRoom, newSession, type Session } from '../load/visitors.js';
import { split, startLoad, stopAll, type BenchServer } from '../lib/procs.js';
import type { Remote } from '../lib/rpc.js';

export interface FilledRoom {
  roomId: string;
  owner: Session | null;
  loads: Remote[];
  take(): Promise<Taken[]>;
  close(): Promise<void>;
}

/**
 * Opens `members` sockets in `processes` load processes, all joined to one room. For gif-chat the
 * room is created over HTTP like a visitor would (capacity counts people, and each person here
 * has `tabsPerVisitor` sockets); the peers have no rooms to create. Given several instances, the
 * room is created on the first and socket i of each load process connects to instance i mod n.
 */
export async function fillRoom(
  servers: BenchServer | BenchServer[],
  members: number,
  processes: number,
  tabsPerVisitor: number,
  sampleEvery: number,
  rooms = 1,
): Promise<FilledRoom> {
  const instances = Array.isArray(servers) ? servers : [servers];
  const server = instances[0]!;
  let owner: Session | null = null;
  let roomIds = Array.from({ length: rooms }, (_, i) => `bench-room-${i}`);
  if (server.kind === 'us') {
    const o = (owner = await newSession(server.origin));
    // One seat more for the owner, who posts over HTTP and must be admitted like anyone else.
    const people = Math.max(2, Math.min(100, Math.ceil(members / rooms / tabsPerVisitor))) + 1;
    roomIds = await Promise.all(roomIds.map((title) => createRoom(o, title, people)));
  }
  const roomId = roomIds[0]!;
  const loads = startLoad(processes);
  await Promise.all(
    split(members, processes).map((count, i) =>
      loads[i]!.call<number>('open', {
        kind: server.kind,
        port: server.port,
        ports: instances.map((s) => s.port),
        count,
        tabsPerVisitor,
        roomId,
        roomIds,
        sampleEvery: i === 0 ? sampleEvery : 0,
        procId: i,
      } satisfies OpenArgs),
    ),
  );
  return {
    roomId,
    owner,
    loads,
    take: () => Promise.all(loads.map((l) => l.call<Taken>('take'))),
    async close() {
      await Promise.all(loads.map((l) => l.call('closeAll').catch(() => undefined)));
      await stopAll(loads);
    },
  };
}
