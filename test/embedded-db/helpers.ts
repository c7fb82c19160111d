// Test target: the embedded server on a free port with a temp data dir, or a real MongoDB when
// TEST_MONGO_URL is set (so the same assertions hold for both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-db/index.js';

export interface TestTarget {
  /** Server URL without database name, ending in '/'. */
  url: string;
  /** A database name unique to this target. */
  dbName: string;
  embedded: EmbeddedDb | undefined;
  dataDir: string | undefined;
  close(): Promise<void>;
}

export function tempDir(prefix = 'embedded-db-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TargetOptions {
  ttlIntervalMs?: number;
  forceEmbedded?: boolean;
  messageTimeoutMs?: number;
  onLog?: (line: string) => void;
}

export async function startTarget(opts: TargetOptions = {}): Promise<TestTarget> {
  const dbName = `t_${randomBytes(4).toString('hex')}`;
  const external = process.env.TEST_MONGO_URL;
  if (external && !opts.forceEmbedded) {
    const url = external.replace(/\/[^/]*$/, '/');
    return { url, dbName, embedded: undefined, dataDir: undefined, close: () => Promise.resolve() };
  }
  const dataDir = tempDir();
  const embedded = await startEmbeddedDb({
    dataDir,
    port: 0,
    ttlIntervalMs: opts.ttlIntervalMs ?? 200,
    messageTimeoutMs: opts.messageTimeoutMs,
    onLog: opts.onLog,
  });
  return {
    url: embedded.url,
    dbName,
    embedded,
    dataDir,
    async close() {
      await embedded.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const usingRealMongo = (): boolean => Boolean(process.env.TEST_MONGO_URL);

/** A target with the driver connected to its own database. */
export async function openDriver(): Promise<{ target: TestTarget; client: MongoClient; db: Db }> {
  const target = await startTarget();
  const client = await MongoClient.connect(target.url, { serverSelectionTimeoutMS: 5000 });
  return { target, client, db: client.db(target.dbName) };
}

/** Drops the target's database, then closes the driver and the target. */
export async function closeDriver(target: TestTarget, client: MongoClient, db: Db): Promise<void> {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
  await target.close();
}

/** The server error `p` is refused with (fails the test if it is not refused by the server). */
export async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof MongoServerError, `expected a server error, got ${String(e)}`);
  return e;
}
