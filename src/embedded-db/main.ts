// `npm run db`: the embedded server on its own, for mongosh/Compass or other programs' tests.
import path from 'node:path';
import { startEmbeddedDb } from './index.js';

const port = Number.parseInt(process.env.EMBEDDED_DB_PORT ?? '27017', 10);
const host = process.env.EMBEDDED_DB_HOST ?? '127.0.0.1';
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');

try {
  const db = await startEmbeddedDb({ dataDir, port, host, onLog: (line) => console.error(`[embedded-db] ${line}`) });
  console.log(`embedded MongoDB-compatible server listening on ${db.url} (data in ${path.join(dataDir, 'embedded-db')})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    db.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (e) {
  console.error(`embedded-db: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
