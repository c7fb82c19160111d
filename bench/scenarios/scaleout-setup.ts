// One configuration of the scale-out scenario, started: `instances` processes of one server kind,
// the private redis-server they share when `redis` is set, and for gif-chat one standalone
// embedded database (MONGO_URL) and one COOKIE_SECRET for all, as a deployment would run them.
import { randomBytes } from 'node:crypto';
import { startRedis, type TestRedis } from '../../support/redis-server.js';
import { procCpuUs } from '../lib/proc-cpu.js';
import { startBenchServer, type BenchServer } from '../lib/procs.js';
import { startStandaloneDb, type StandaloneDb } from '../lib/standalone-db.js';
import type { ServerKind } from '../load/dialects.js';

export interface ScaleoutConfig {
  kind: Extract<ServerKind, 'us' | 'socketio'>;
  instances: number;
  /** REDIS_URL set: our budgets and bus in Redis; Socket.IO through @socket.io/redis-adapter. */
  redis: boolean;
}

/** CPU µs used so far by each part of a configuration. */
export interface CpuParts {
  servers: number;
  db: number;
  redis: number;
}

export interface StartedConfig {
  servers: BenchServer[];
  cpu(): Promise<CpuParts>;
  stop(): Promise<void>;
}

export const configName = (c: ScaleoutConfig) => `${c.kind}_${c.instances}${c.redis ? '_redis' : ''}`;

export async function startConfig(config: ScaleoutConfig): Promise<StartedConfig> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let redis: TestRedis | null = null;
    let db: StandaloneDb | null = null;
    if (config.redis) {
      const r = (redis = await startRedis());
      stops.push(() => r.stop());
    }
    if (config.kind === 'us') {
      const d = (db = await startStandaloneDb());
      stops.push(() => d.stop());
    }
    const env: Record<string, string> = { REDIS_URL: redis?.url ?? '' };
    if (db) Object.assign(env, { MONGO_URL: db.url, COOKIE_SECRET: randomBytes(32).toString('hex') });
    const servers: BenchServer[] = [];
    for (let i = 0; i < config.instances; i++) {
      const server = await startBenchServer(config.kind, env);
      servers.push(server);
      stops.push(() => server.stop());
    }
    return {
      servers,
      async cpu() {
        const each = await Promise.all(servers.map((s) => s.remote.call<{ cpuUs: number }>('cpu')));
        return {
          servers: each.reduce((sum, c) => sum + c.cpuUs, 0),
          db: db ? procCpuUs(db.pid) : 0,
          redis: redis ? procCpuUs(redis.pid) : 0,
        };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
