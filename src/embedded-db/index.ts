// Public API: start the embedded MongoDB-compatible server in a worker thread.
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './worker.js';

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
  /** Receives diagnostic lines (closed connections, sweep failures). Default: ignore. */
  onLog?: (line: string) => void;
}

export interface EmbeddedDb {
  /** e.g. mongodb://127.0.0.1:PORT/ (no database name). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedDb(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const host = opts.host ?? '127.0.0.1';
  const input: WorkerInput = {
    dataDir: opts.dataDir,
    port: opts.port ?? 0,
    host,
    ttlIntervalMs: opts.ttlIntervalMs ?? 5000,
    messageTimeoutMs: opts.messageTimeoutMs ?? 10_000,
  };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  const log = opts.onLog ?? (() => undefined);
  let onClosed: (() => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'listening') resolve(m.port);
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'closed') onClosed?.();
      else log(m.message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      reject(new Error(`embedded-db worker exited with code ${code}`));
      onClosed?.();
    });
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  let closing: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `mongodb://${urlHost}:${port}/`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage({ type: 'close' });
      }).then(async () => {
        await worker.terminate();
      });
      return closing;
    },
  };
}
