// Starts the real server (real embedded database, or TEST_MONGO_URL) on a free port in a fresh
// temporary data dir, for tests.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer, type ServerHooks } from '../../src/server.js';

/** Chat and frame budgets too high to matter: for tests that send hundreds of chats (the budgets have tests of their own). */
export const UNBUDGETED = { CHAT_PER_10S: '100000', WS_FRAMES_PER_10S: '100000' } as const;

export interface TestServer {
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
  uploadDir: string;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Overrides are environment variables as strings, exactly as a deployment would set them; hooks
 * are passed to startServer as they are.
 */
export async function startTestServer(
  overrides: Record<string, string> = {},
  hooks: ServerHooks = {},
): Promise<TestServer> {
  const dataDir = overrides.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'gifchat-test-')));
  const uploadDir = overrides.UPLOAD_DIR ?? path.join(dataDir, 'uploads');
  const mongoUrl = process.env.TEST_MONGO_URL
    ? `${process.env.TEST_MONGO_URL.replace(/\/[^/]*$/, '')}/gifchat_test_${randomBytes(4).toString('hex')}`
    : '';
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    UPLOAD_DIR: uploadDir,
    MONGO_URL: mongoUrl,
    PRESENCE_GRACE_MS: '100',
    // Every test client comes from 127.0.0.1, standing for many people: the per-address budgets
    // are raised to match. Tests of those budgets set them back.
    ROOMS_PER_IP_PER_10MIN: '100000',
    UPLOADS_PER_IP_PER_MIN: '100000',
    RENAMES_PER_IP_PER_10MIN: '100000',
    SOCKETS_PER_IP: '100000',
    CHAT_PER_IP_PER_10S: '10000000',
    VISITORS_PER_IP_PER_10MIN: '100000',
    ...overrides,
  });
  const server = await startServer(config, () => undefined, hooks);
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    dataDir,
    uploadDir,
    server,
    async close() {
      await server.close();
      if (!overrides.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
