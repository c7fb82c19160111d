// Public API: start the embedded MongoDB-compatible server in a worker thread, and keep it
// running: a worker that dies (out of memory, a fatal error) is replaced, after a delay that
// doubles while restarts keep failing, on the same port so clients' URLs stay valid and their
// drivers reconnect by themselves.
import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { InitialUser } from './auth/initial-users.js';
import { acquireLock } from './lock-file.js';
import type { WorkerInput } from './worker.js';
import { startWorker, type StartedWorker } from './worker-thread.js';

export interface EmbeddedDbOptions {
  dataDir: string;
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How often TTL indexes are swept (default 5000 ms; MongoDB uses 60 s). */
  ttlIntervalMs?: number;
  /**
   * A client that has started sending a message must finish it within this many ms, or its
   * connection is closed (default 10000; a 48 MB message over loopback takes well under 1 s).
   */
  messageTimeoutMs?: number;
  /** Receives diagnostic lines (closed connections, sweep failures, worker restarts). Default: ignore. */
  onLog?: (line: string) => void;
  /** Wait before restarting a dead worker (default 1000 ms); doubles per failed try, up to 30 s. */
  restartDelayMs?: number;
  /**
   * Users created at start in the admin database with the root role (a changed password is
   * updated). Once the data dir holds any user, every command but the handshake needs a login.
   */
  users?: InitialUser[];
}

export type { InitialUser };

export interface EmbeddedDb {
  /** e.g. mongodb://127.0.0.1:PORT/ (no database name). */
  url: string;
  port: number;
  /** The data dir held users when the server started, so clients must log in. */
  authRequired: boolean;
  /** False from the moment the worker dies until a new one listens. */
  isRunning(): boolean;
  /** The worker thread serving now, if any (tests end it to check recovery). */
  readonly worker: Worker | undefined;
  close(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before dying starts the backoff afresh. */
const STABLE_MS = 60_000;

export async function startEmbeddedDb(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const host = opts.host ?? '127.0.0.1';
  const dir = path.join(opts.dataDir, 'embedded-db');
  fs.mkdirSync(dir, { recursive: true });
  // The lock belongs to this handle, not to one worker: a replacement worker opens the same
  // data dir while the lock stays held, and a dead worker leaves no stale lock behind.
  const release = acquireLock(opts.dataDir, dir);
  const log = opts.onLog ?? (() => undefined);
  const firstDelay = opts.restartDelayMs ?? 1000;
  const input: WorkerInput = {
    dataDir: opts.dataDir,
    port: opts.port ?? 0,
    host,
    ttlIntervalMs: opts.ttlIntervalMs ?? 5000,
    messageTimeoutMs: opts.messageTimeoutMs ?? 10_000,
    users: opts.users ?? [],
  };

  let current: StartedWorker | undefined;
  let closing = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let failures = 0;
  let upSince = Date.now();

  const scheduleRestart = (what: string) => {
    current = undefined;
    if (closing) return;
    if (upSince && Date.now() - upSince > STABLE_MS) failures = 0;
    upSince = 0;
    const delay = Math.min(MAX_RESTART_DELAY_MS, firstDelay * 2 ** failures++);
    log(`${what}; restarting it in ${delay} ms`);
    timer = setTimeout(() => {
      restarting = restart().finally(() => (restarting = undefined));
    }, delay);
  };
  const onDeath = (reason: string) => scheduleRestart(`worker stopped unexpectedly (${reason})`);
  const restart = async () => {
    timer = undefined;
    try {
      const w = await startWorker({ ...input, port }, log, onDeath);
      if (closing) {
        await w.stop();
        return;
      }
      current = w;
      upSince = Date.now();
      log(`worker restarted, listening on port ${port}`);
    } catch (e) {
      scheduleRestart(`worker restart failed (${e instanceof Error ? e.message : String(e)})`);
    }
  };

  try {
    current = await startWorker(input, log, onDeath);
  } catch (e) {
    release();
    throw e;
  }
  const port = current.port;
  let closed: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `mongodb://${urlHost}:${port}/`,
    port,
    authRequired: current.authRequired,
    isRunning: () => current !== undefined,
    get worker() {
      return current?.worker;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        clearTimeout(timer);
        await restarting;
        await current?.stop();
        current = undefined;
        release();
      })();
      return closed;
    },
  };
}
