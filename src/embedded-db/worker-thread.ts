// One worker thread running the server (worker.ts): started, watched, and stopped cleanly.
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './worker.js';

export interface StartedWorker {
  worker: Worker;
  port: number;
  /** The data dir holds users, so clients must log in. */
  authRequired: boolean;
  /** Closes the server (connections, storage) and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts a worker and resolves once it listens, or rejects with why it could not. Once started,
 * `onDeath` is called if the thread ends other than through `stop()`: out of memory, a fatal
 * error, terminate().
 */
export async function startWorker(
  input: WorkerInput,
  log: (line: string) => void,
  onDeath: (reason: string) => void,
): Promise<StartedWorker> {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  let started = false;
  let stopping = false;
  let exited = false;
  let lastError: string | undefined;
  let onClosed: (() => void) | undefined;
  const { port, authRequired } = await new Promise<{ port: number; authRequired: boolean }>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'listening') resolve(m);
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'closed') onClosed?.();
      else log(m.message);
    });
    worker.on('error', (e) => {
      lastError = e.message;
      reject(e);
    });
    worker.on('exit', (code) => {
      exited = true;
      reject(new Error(`embedded-db worker exited with code ${code}`));
      onClosed?.();
      if (started && !stopping) onDeath(lastError ?? `exit code ${code}`);
    });
  }).catch(async (e: unknown) => {
    stopping = true;
    await worker.terminate();
    throw e;
  });
  started = true;
  let stopped: Promise<void> | undefined;
  return {
    worker,
    port,
    authRequired,
    stop() {
      stopping = true;
      stopped ??= new Promise<void>((resolve) => {
        if (exited) {
          resolve();
          return;
        }
        onClosed = resolve;
        worker.postMessage({ type: 'close' });
      }).then(async () => {
        await worker.terminate();
      });
      return stopped;
    },
  };
}
