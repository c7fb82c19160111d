// Several instances of the app sharing one standalone embedded database and one private
// redis-server, as a scaled-out deployment runs them (each with its own DATA_DIR and UPLOAD_DIR).
// Redis can be stopped and started again on the same port, to test an outage.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStandaloneDb, stopProcess } from './processes.js';
import { startRedis, type TestRedis } from './redis.js';
import { startTestServer, type TestServer } from './server.js';

export interface Deployment {
  /** The environment every instance shares (MONGO_URL, REDIS_URL, COOKIE_SECRET, budgets). */
  env: Record<string, string>;
  instances: TestServer[];
  redis: TestRedis;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  close(): Promise<void>;
}

export async function startDeployment(count: number, overrides: Record<string, string> = {}): Promise<Deployment> {
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dbDir = await mkdtemp(path.join(tmpdir(), 'gifchat-deploy-db-'));
    stops.push(() => rm(dbDir, { recursive: true, force: true }));
    const { child: db, port } = await startStandaloneDb(dbDir);
    stops.push(() => stopProcess(db));
    let redis = await startRedis();
    stops.push(() => redis.stop());
    const env = {
      MONGO_URL: `mongodb://127.0.0.1:${port}/gifchat`,
      REDIS_URL: redis.url,
      // One secret, so a session cookie made by one instance is good on every other.
      COOKIE_SECRET: 'deployment-test-secret-0123456789abcdef',
      CHAT_PER_10S: '1000000',
      WS_FRAMES_PER_10S: '10000000',
      ...overrides,
    };
    const instances: TestServer[] = [];
    for (let i = 0; i < count; i++) {
      // Named in X-Instance by number: in one test process they would all carry its pid.
      const instance = await startTestServer(env, { instance: `instance-${i + 1}` });
      stops.push(() => instance.close());
      instances.push(instance);
    }
    return {
      env,
      instances,
      get redis() {
        return redis;
      },
      stopRedis: () => redis.stop(),
      async startRedis() {
        redis = await startRedis(redis.port);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
