// Connects Mongoose to MONGO_URL, or to the embedded MongoDB-compatible server when it is unset.
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDb, type EmbeddedDb } from '../embedded-db/index.js';
import { MessageModel, RoomModel } from './models.js';

export interface StoreConnection {
  /** Human-readable description of the database in use, for the start-up line. */
  description: string;
  client: ReturnType<typeof mongoose.connection.getClient>;
  isReady(): boolean;
  close(): Promise<void>;
}

export interface StoreOptions {
  mongoUrl: string | undefined;
  dataDir: string;
}

export async function connectStore(opts: StoreOptions): Promise<StoreConnection> {
  let embedded: EmbeddedDb | undefined;
  let url = opts.mongoUrl;
  if (!url) {
    embedded = await startEmbeddedDb({ dataDir: opts.dataDir, port: 0 });
    url = `${embedded.url.replace(/\/$/, '')}/gifchat`;
  }
  try {
    // Indexes are built on every connect (Model.init runs once per process; a test may connect
    // several servers in turn, each to a fresh database).
    // No command buffering: while the database is away an operation fails within the server
    // selection timeout (→ 503 / "unavailable") instead of queueing without bound.
    await mongoose.connect(url, { serverSelectionTimeoutMS: 3000, bufferCommands: false, autoIndex: false });
    await Promise.all([RoomModel.createIndexes(), MessageModel.createIndexes()]);
  } catch (err) {
    await mongoose.disconnect().catch(() => undefined);
    await embedded?.close();
    throw err;
  }
  const description = embedded
    ? `embedded database in ${path.join(opts.dataDir, 'embedded-db')} (${embedded.url})`
    : `MongoDB at ${redact(url)}`;
  return {
    description,
    client: mongoose.connection.getClient(),
    isReady: () => mongoose.connection.readyState === 1,
    async close() {
      await mongoose.disconnect();
      await embedded?.close();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
