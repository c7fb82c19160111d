// Worker-thread entry: owns the TCP server, so parsing, queries and lmdb work never run on the
// application's event loop. Talks to index.ts through a tiny message protocol.
import { parentPort, workerData } from 'node:worker_threads';
import type { InitialUser } from './auth/initial-users.js';
import { startServer, type RunningServer } from './server.js';

export interface WorkerInput {
  dataDir: string;
  port: number;
  host: string;
  ttlIntervalMs: number;
  messageTimeoutMs: number;
  users: InitialUser[];
}

export type WorkerMessage =
  | { type: 'listening'; port: number; authRequired: boolean }
  | { type: 'error'; message: string }
  | { type: 'closed' }
  | { type: 'log'; message: string };

const input = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('embedded-db worker must run in a worker thread');
const send = (m: WorkerMessage) => port.postMessage(m);

// A bug in one request must never take the server down.
process.on('uncaughtException', (e) => send({ type: 'log', message: `uncaught: ${e.stack ?? String(e)}` }));
process.on('unhandledRejection', (e) => send({ type: 'log', message: `unhandled: ${String(e)}` }));

let server: RunningServer | undefined;
startServer({ ...input, log: (message) => send({ type: 'log', message }) }).then(
  (s) => {
    server = s;
    send({ type: 'listening', port: s.port, authRequired: s.authRequired });
  },
  (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);

port.on('message', (m: { type: string }) => {
  if (m.type !== 'close') return;
  const done = server ? server.close() : Promise.resolve();
  done.then(
    () => send({ type: 'closed' }),
    (e: unknown) => {
      send({ type: 'log', message: `close failed: ${String(e)}` });
      send({ type: 'closed' });
    },
  );
});
