// The TCP server with its storage, catalog, TTL sweeper and cursor expiry. Runs inside the worker.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ObjectId } from 'bson';
import { ensureUsers, type InitialUser } from './auth/initial-users.js';
import { UserStore } from './auth/user-store.js';
import { Catalog } from './catalog.js';
import type { ServerState } from './commands/types.js';
import { Connection } from './connection.js';
import { expireIdleCursors, killAllCursors } from './cursor-registry.js';
import { createRefusalLog } from './refusal-log.js';
import { openStorage } from './storage.js';
import { startTtlSweeper } from './ttl-sweeper.js';
import { watchGcPauses } from './gc-pauses.js';

export interface ServerOptions {
  dataDir: string;
  port: number;
  host: string;
  ttlIntervalMs: number;
  /** A started message must be complete within this many ms, or its connection is closed. */
  messageTimeoutMs: number;
  /** Created (or given this password) in admin with the root role before the server listens. */
  users: readonly InitialUser[];
  log: (msg: string) => void;
}

export interface RunningServer {
  port: number;
  /** The data dir holds users, so clients must log in. */
  authRequired: boolean;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const dir = path.join(opts.dataDir, 'embedded-db');
  // The data dir is locked by the thread that starts this worker (index.ts), for its whole life.
  fs.mkdirSync(dir, { recursive: true });
  const storage = openStorage(dir);
  const state: ServerState = {
    storage,
    catalog: new Catalog(storage),
    processId: new ObjectId(),
    startedAt: Date.now(),
    users: new UserStore(storage),
    log: opts.log,
    logRefusal: createRefusalLog(opts.log),
  };
  const stopTtl = startTtlSweeper(storage, state.catalog, opts.ttlIntervalMs, (e) =>
    opts.log(`ttl sweep failed: ${String(e)}`),
  );
  const cursorTimer = setInterval(expireIdleCursors, 60_000);
  const stopGcWatch = watchGcPauses();
  const connections = new Set<Connection>();
  let nextId = 1;
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, state, nextId++, opts.log, opts.messageTimeoutMs);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  server.on('error', (e) => opts.log(`server error: ${String(e)}`));
  const shutdown = async () => {
    clearInterval(cursorTimer);
    stopGcWatch();
    await stopTtl();
    killAllCursors();
    await storage.close();
  };
  try {
    await ensureUsers(state.users, opts.users, opts.log);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    await shutdown();
    throw e;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    authRequired: state.users.any,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const c of connections) c.close();
      await closed;
      await shutdown();
    },
  };
}
