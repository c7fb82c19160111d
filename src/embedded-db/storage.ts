// The lmdb environment: one file set under <dataDir>/embedded-db holding four named databases.
//   catalog: "<db>.<collection>" -> BSON collection metadata (indexes, options, numeric ids)
//   docs:    u32 collectionId + encoded _id -> document BSON (the _id index *is* this keyspace)
//   index:   u32 indexId + encoded key fields + encoded _id -> encoded _id
//   users:   "<db>.<user>" -> BSON user (salted SCRAM keys, roles; auth/user-store.ts)
import { open, type Database, type RootDatabase } from 'lmdb';
import { recordCommit } from './op-times.js';
import { outOfDiskSpace } from './errors.js';
import { afterPrefix } from './index-keys.js';

export interface Storage {
  env: RootDatabase;
  catalog: Database<Buffer, string>;
  docs: Database<Buffer, Buffer>;
  index: Database<Buffer, Buffer>;
  users: Database<Buffer, string>;
  /** Runs `fn` in a batched write transaction; resolves once the batch is durable on disk. */
  write<T>(fn: () => T): Promise<T>;
  close(): Promise<void>;
}

export interface KeyRange {
  start: Buffer;
  end: Buffer;
}

export function prefixRange(prefix: Buffer): KeyRange {
  return { start: prefix, end: afterPrefix(prefix) };
}

export function openStorage(dir: string): Storage {
  // overlappingSync off: a commit promise then resolves only after fsync, so an acknowledged write
  // is durable; concurrent writers still share one commit (lmdb batches async transactions).
  const env = open({ path: dir, maxDbs: 8, overlappingSync: false, noMemInit: true });
  const catalog = env.openDB<Buffer, string>({ name: 'catalog', encoding: 'binary' });
  const docs = env.openDB<Buffer, Buffer>({ name: 'docs', keyEncoding: 'binary', encoding: 'binary' });
  const index = env.openDB<Buffer, Buffer>({ name: 'index', keyEncoding: 'binary', encoding: 'binary' });
  const users = env.openDB<Buffer, string>({ name: 'users', encoding: 'binary' });
  return {
    env,
    catalog,
    docs,
    index,
    users,
    async write<T>(fn: () => T): Promise<T> {
      const started = performance.now();
      try {
        return await env.transaction(fn);
      } catch (err) {
        throw (await commitCause(err)) ?? err;
      } finally {
        recordCommit(started);
      }
    },
    async close() {
      await env.flushed;
      await env.close();
    },
  };
}

const CAUSE_WAIT_MS = 1000;
const ENOSPC = 28;

/**
 * lmdb rejects a failed commit with "Commit failed (see commitError for details)" and gives the
 * cause later, as a promise. A full disk is worth telling apart, as MongoDB does (OutOfDiskSpace):
 * the app answers it with 503 and Retry-After instead of a 500.
 */
async function commitCause(err: unknown): Promise<Error | undefined> {
  const pending = (err as { commitError?: unknown } | null)?.commitError;
  if (!(pending instanceof Promise)) return undefined;
  const cause: unknown = await Promise.race([
    pending.then(
      () => undefined,
      (e: unknown) => e,
    ),
    new Promise((resolve) => setTimeout(resolve, CAUSE_WAIT_MS).unref()),
  ]);
  const c = cause as { code?: unknown; message?: unknown } | undefined;
  const full = c?.code === ENOSPC || (typeof c?.message === 'string' && /No space left on device/i.test(c.message));
  return full ? outOfDiskSpace() : undefined;
}
