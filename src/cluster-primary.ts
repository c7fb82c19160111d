// WORKERS > 1: this process forks the workers that serve PORT together (node:cluster) and only
// supervises them. Without MONGO_URL it runs the embedded database for all of them, on a free
// loopback port with its data and generated login under DATA_DIR as one process keeps them; it
// settles the cookie secret once (a generated one is written under DATA_DIR, so N workers never
// race to create it) and hands both to every worker in its environment. A worker that dies is started again after a delay
// that doubles while it keeps dying. A worker that fails START_ATTEMPTS times in a row before it
// listens, or dies GIVE_UP_CRASHES times within GIVE_UP_WINDOW_MS, is broken in a way waiting does
// not fix (a wrong setting, Redis or the database unreachable): the primary stops everything and
// exits 1, for the service manager to report.
// SIGTERM/SIGINT: every worker shuts down as one process does (closes its sockets, finishes its
// writes), then the database closes, all within the 10 s one process is given.
import cluster, { type Worker } from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from './config.js';
import { startEmbeddedDb, type EmbeddedDb } from './embedded-db/index.js';
import { resolveCookieSecret } from './http/session.js';
import { embeddedDatabaseUrl, resolveEmbeddedDbCredentials } from './store/embedded-db-credentials.js';

const FIRST_RESTART_MS = 250;
const MAX_RESTART_MS = 30_000;
const START_ATTEMPTS = 3;
const GIVE_UP_CRASHES = 5;
const GIVE_UP_WINDOW_MS = 60_000;
/** Workers still running this long after SIGTERM are killed, so the whole stop fits in 10 s. */
const WORKER_STOP_LIMIT_MS = 9_000;
/** The primary exits by then whatever is left (the limit one process has too). */
const SHUTDOWN_LIMIT_MS = 10_000;

/** One of the N places a worker runs in; numbered from 1 in the log. */
interface Slot {
  n: number;
  worker: Worker | undefined;
  /** Its current worker's server listens. */
  listening: boolean;
  /** When this slot's workers died lately (inside GIVE_UP_WINDOW_MS). */
  crashes: number[];
  /** Its workers that died before they listened, since one last did. */
  failedStarts: number;
  restart: NodeJS.Timeout | undefined;
}

const log = (line: string) => console.log(`[primary] ${line}`);
const warn = (line: string) => console.error(`[primary] ${line}`);

export async function runPrimary(config: Config): Promise<void> {
  await mkdir(config.dataDir, { recursive: true });
  const cookieSecret = await resolveCookieSecret(config.cookieSecret, config.dataDir);
  // Added to this process's environment for each worker; config.ts reads them there as usual.
  const workerEnv: Record<string, string> = { COOKIE_SECRET: cookieSecret };
  let db: EmbeddedDb | undefined;
  if (!config.mongoUrl) {
    const credentials = await resolveEmbeddedDbCredentials(config.dataDir);
    db = await startEmbeddedDb({
      dataDir: config.dataDir,
      port: 0,
      host: '127.0.0.1',
      restartDelayMs: config.embeddedDbRestartMs,
      onLog: (line) => warn(`embedded database: ${line}`),
      users: [credentials],
    });
    workerEnv.MONGO_URL = embeddedDatabaseUrl(db, credentials);
  }

  const slots: Slot[] = Array.from({ length: config.workers }, (_, i) => ({
    n: i + 1,
    worker: undefined,
    listening: false,
    crashes: [],
    failedStarts: 0,
    restart: undefined,
  }));
  let stopping: Promise<void> | undefined;
  let announced = false;

  const fork = (slot: Slot) => {
    slot.restart = undefined;
    const worker = cluster.fork(workerEnv);
    const pid = worker.process.pid;
    let listened = false;
    slot.worker = worker;
    slot.listening = false;
    worker.once('listening', (address: AddressInfo) => {
      listened = slot.listening = true;
      slot.failedStarts = 0;
      if (!announced && slots.every((s) => s.listening)) announce(address.port);
    });
    worker.once('exit', (code, signal) => {
      if (slot.worker === worker) {
        slot.worker = undefined;
        slot.listening = false;
      }
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) return log(`worker ${slot.n} (pid ${pid}) exited (${how})`);
      const now = Date.now();
      slot.crashes = [...slot.crashes.filter((t) => now - t < GIVE_UP_WINDOW_MS), now];
      if (!listened) slot.failedStarts++;
      const exit = `worker ${slot.n} (pid ${pid}) exited (${how})${listened ? '' : ' before it listened'}`;
      const giveUp =
        slot.failedStarts >= START_ATTEMPTS
          ? `${START_ATTEMPTS} starts in a row failed`
          : slot.crashes.length >= GIVE_UP_CRASHES
            ? `${GIVE_UP_CRASHES} exits within a minute`
            : undefined;
      if (giveUp) {
        warn(`${exit}: ${giveUp}, giving up`);
        void stop(1);
        return;
      }
      const delay = Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** (slot.crashes.length - 1));
      warn(`${exit}; starting it again in ${delay} ms`);
      slot.restart = setTimeout(() => fork(slot), delay);
    });
  };

  const announce = (port: number) => {
    announced = true;
    const database = db ? `, embedded database in ${path.join(config.dataDir, 'embedded-db')} (${db.url})` : '';
    log(`gif-chat listening on http://localhost:${port} with ${config.workers} workers${database}`);
  };

  const stop = (code: number, signal?: string) =>
    (stopping ??= (async () => {
      if (signal) log(`${signal} received: stopping the workers, then the database…`);
      setTimeout(() => {
        warn('shutdown took too long; exiting anyway');
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      for (const slot of slots) clearTimeout(slot.restart);
      const running = slots.flatMap((s) => (s.worker ? [s.worker] : []));
      const exits = running.map((w) => exited(w));
      for (const w of running) w.process.kill('SIGTERM');
      const late = setTimeout(() => {
        warn(`workers still running after ${WORKER_STOP_LIMIT_MS} ms; killing them`);
        for (const w of running) w.process.kill('SIGKILL');
      }, WORKER_STOP_LIMIT_MS);
      const clean = await Promise.all(exits);
      clearTimeout(late);
      await db?.close();
      process.exit(clean.every(Boolean) ? code : 1);
    })());

  process.once('SIGTERM', () => void stop(0, 'SIGTERM'));
  process.once('SIGINT', () => void stop(0, 'SIGINT'));
  for (const slot of slots) fork(slot);
}

/**
 * Resolves once the worker has exited: whether it stopped cleanly (exit 0, or ended by the stop
 * signal itself, which a worker still starting has no handler for yet).
 */
function exited(worker: Worker): Promise<boolean> {
  const clean = (code: number | null, signal: string | null) =>
    code === 0 || signal === 'SIGTERM' || signal === 'SIGINT';
  if (worker.isDead()) return Promise.resolve(clean(worker.process.exitCode, worker.process.signalCode));
  return new Promise((resolve) =>
    worker.once('exit', (code: number | null, signal: string | null) => resolve(clean(code, signal))),
  );
}
