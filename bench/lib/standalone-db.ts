// The standalone embedded database (`npm run db`'s entry point, src/embedded-db/main.ts) in its
// own process on a free port, for gif-chat instances that share one database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess } from '../../support/processes.js';

const MAIN = fileURLToPath(new URL('../../src/embedded-db/main.js', import.meta.url));

export interface StandaloneDb {
  /** MONGO_URL for the instances. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startStandaloneDb(): Promise<StandaloneDb> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gifchat-bench-db-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(port), EMBEDDED_DB_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('mongodb://')) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) =>
        reject(new Error(`embedded database exited with ${code} before listening:\n${out}`)),
      );
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `mongodb://127.0.0.1:${port}/gifchat`,
    pid: child.pid!,
    async stop() {
      await stopProcess(child, 'SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
