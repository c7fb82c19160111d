// A private redis-server for a test or a bench run: its own port and temporary directory, no
// persistence, stopped (and its directory removed) by `stop`. Never a Redis the machine runs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, stopProcess } from './processes.js';

export interface TestRedis {
  url: string;
  port: number;
  /** The redis-server process id (the bench reads its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A new, empty redis-server; on `port` if given (a restart of one that was stopped), otherwise on
 * a free port, tried again on another if something took that one before redis-server bound it.
 */
export async function startRedis(port?: number): Promise<TestRedis> {
  if (port !== undefined) return startRedisOn(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOn(await freePort());
    } catch (err) {
      if (attempt === 3 || !/already in use/i.test(String(err))) throw err;
    }
  }
}

async function startRedisOn(port: number): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/ready to accept connections/i.test(out)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (err) =>
        reject(new Error(`redis-server could not start (is it installed?): ${err.message}`)),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`)));
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    // Known once the process is ready (spawn failures were rejected above).
    pid: child.pid ?? NaN,
    async stop() {
      await stopProcess(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
