// Forks the server under test (ours or a peer) and the load processes, each in its own process.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from '../load/dialects.js';
import { Remote } from './rpc.js';

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_FILES: Record<ServerKind, string> = {
  us: 'peers/gif-chat-server.js',
  socketio: 'peers/socketio-server.js',
  ws: 'peers/ws-server.js',
};

export interface BenchServer {
  kind: ServerKind;
  port: number;
  origin: string;
  remote: Remote;
  stop(): Promise<void>;
}

/** Limits raised for the bench only through the documented environment variables. */
function ourEnv(dataDir: string, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    COOKIE_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_URL: '',
    DATA_DIR: dataDir,
    UPLOAD_DIR: path.join(dataDir, 'uploads'),
    LOG_FORMAT: 'none',
    CHAT_PER_10S: '1000000',
    CHAT_PER_IP_PER_10S: '10000000',
    ROOM_MAX_MEMBERS: '100000',
    WS_FRAMES_PER_10S: '10000000',
    // Thousands of simulated people, all from 127.0.0.1, some owning many rooms.
    ROOMS_PER_PERSON_PER_10MIN: '1000000',
    ROOMS_PER_IP_PER_10MIN: '1000000',
    UPLOADS_PER_PERSON_PER_MIN: '1000000',
    UPLOADS_PER_IP_PER_MIN: '1000000',
    RENAMES_PER_IP_PER_10MIN: '10000000',
    SOCKETS_PER_PERSON: '1000000',
    SOCKETS_PER_IP: '10000000',
    VISITORS_PER_IP_PER_10MIN: '10000000',
    ...extra,
  };
}

/** Servers started so far: several instances of one kind each get their own log file. */
let started = 0;

export async function startBenchServer(kind: ServerKind, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `gifchat-bench-${kind}-`));
  const env = kind === 'us' ? { ...process.env, ...ourEnv(dataDir, extraEnv) } : { ...process.env, ...extraEnv };
  const child = fork(path.join(BENCH_DIR, SERVER_FILES[kind]), [], {
    env,
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_PROF === kind ? ['--cpu-prof', `--cpu-prof-dir=${process.cwd()}/prof`] : []),
      // BENCH_NODE_FLAGS: extra V8/Node flags for gif-chat's server (say --trace-gc; output in the log file).
      ...(kind === 'us' ? (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean) : []),
    ],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // What the server logs (mostly chats still queued when the bench stops it) goes to a file, so the
  // table stays readable; it is printed only if the server dies before listening.
  const logFile = path.join(os.tmpdir(), `gifchat-bench-${kind}-${process.pid}-${++started}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const remote = new Remote(kind, child);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: unknown) => {
      const msg = m as { ready?: boolean; port?: number } | null;
      if (msg?.ready && msg.port) resolve(msg.port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited before listening (${code}); see ${logFile}`)));
  });
  return {
    kind,
    port,
    origin: `http://127.0.0.1:${port}`,
    remote,
    async stop() {
      await remote.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function startLoad(count: number): Remote[] {
  return Array.from({ length: count }, (_, i) => {
    const child = fork(path.join(BENCH_DIR, 'load/clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Remote(`load-${i}`, child);
  });
}

export async function stopAll(remotes: Remote[]): Promise<void> {
  await Promise.all(remotes.map((r) => r.stop()));
}

/** Splits `total` into `parts` near-equal whole numbers. */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}
