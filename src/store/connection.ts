// Connects Mongoose to MONGO_URL, or to the embedded MongoDB-compatible server when it is unset.
import path from 'node:path';
import mongoose from 'mongoose';
import { assignMissingSeqs } from './message-seq-migration.js';
import { startEmbeddedDb, type EmbeddedDb } from '../embedded-db/index.js';
import { embeddedDatabaseUrl, resolveEmbeddedDbCredentials } from './embedded-db-credentials.js';
import { MessageModel, RoomModel } from './models.js';

export interface StoreConnection {
  /** Human-readable description of the database in use, for the start-up line. */
  description: string;
  client: ReturnType<typeof mongoose.connection.getClient>;
  /** False while the embedded database's worker is down (always true with MONGO_URL). */
  isLive: () => boolean;
  /** The database answers a ping within a short deadline. */
  isReady: () => Promise<boolean>;
  /** The embedded database, when MONGO_URL is unset. */
  embedded: EmbeddedDb | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  mongoUrl: string | undefined;
  dataDir: string;
  /** How long one operation may wait for an answer (connecting, a free connection, the reply). */
  opTimeoutMs: number;
  /** First wait before restarting the embedded database's worker after it died. */
  restartDelayMs?: number;
  /** Receives the embedded database's diagnostic lines (its worker died, restarted…). */
  onLog?: (line: string) => void;
}

/** A readiness probe answers within this, even when the database does not. */
const PING_DEADLINE_MS = 2000;

export async function connectStore(opts: StoreOptions): Promise<StoreConnection> {
  let embedded: EmbeddedDb | undefined;
  let url = opts.mongoUrl;
  if (!url) {
    const credentials = await resolveEmbeddedDbCredentials(opts.dataDir);
    embedded = await startEmbeddedDb({
      dataDir: opts.dataDir,
      port: 0,
      restartDelayMs: opts.restartDelayMs,
      onLog: opts.onLog,
      users: [credentials],
    });
    url = embeddedDatabaseUrl(embedded, credentials);
  }
  try {
    // Indexes are built on every connect (Model.init runs once per process; a test may connect
    // several servers in turn, each to a fresh database).
    // No command buffering: while the database is away an operation fails within the server
    // selection timeout (→ 503 / "unavailable") instead of queueing without bound. A database
    // that accepts connections but never replies (stopped, swapping, a dead link) is caught by
    // the other deadlines: each step of an operation waits at most opTimeoutMs, after which the
    // driver drops the connection and the operation fails with a network timeout (→ 503).
    const t = opts.opTimeoutMs;
    await mongoose.connect(url, {
      serverSelectionTimeoutMS: Math.min(3000, t),
      connectTimeoutMS: t,
      socketTimeoutMS: t,
      waitQueueTimeoutMS: t,
      bufferCommands: false,
      autoIndex: false,
    });
    await assignMissingSeqs();
    await Promise.all([RoomModel.createIndexes(), MessageModel.createIndexes()]);
  } catch (err) {
    await mongoose.disconnect().catch(() => undefined);
    await embedded?.close();
    throw err;
  }
  const description = embedded
    ? `embedded database in ${path.join(opts.dataDir, 'embedded-db')} (${embedded.url})`
    : `MongoDB at ${redact(url)}`;
  const client = mongoose.connection.getClient();
  return {
    description,
    client,
    embedded,
    isLive: () => embedded?.isRunning() ?? true,
    isReady: pinger(client, Math.min(PING_DEADLINE_MS, opts.opTimeoutMs)),
    async close() {
      await mongoose.disconnect();
      await embedded?.close();
    },
  };
}

/**
 * A ping with a deadline; probes that arrive while one is in flight share its answer. It asks
 * even while Mongoose counts itself disconnected: the ping's server selection is what makes the
 * driver look for the database again at once rather than at its next heartbeat.
 */
function pinger(client: StoreConnection['client'], deadlineMs: number): () => Promise<boolean> {
  let inFlight: Promise<boolean> | undefined;
  const ping = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, deadlineMs, false)));
    const answered = client
      .db()
      .command({ ping: 1 })
      .then(
        () => true,
        () => false,
      );
    return Promise.race([answered, late]).finally(() => clearTimeout(timer));
  };
  return () => (inFlight ??= ping().finally(() => (inFlight = undefined)));
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
