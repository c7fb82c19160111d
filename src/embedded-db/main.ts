// `npm run db`: the embedded server on its own, for mongosh/Compass or other programs' tests.
// This entry point is the standalone database's composition root, and the only file of
// src/embedded-db that imports from the app: it takes its settings from src/config.ts so that it
// reads the same .env (DATA_DIR above all) as the app. Everything else in src/embedded-db stays
// independent of the app and is configured only through startEmbeddedDb's options.
import path from 'node:path';
import { loadEmbeddedDbConfig } from '../config.js';
import { startEmbeddedDb } from './index.js';

try {
  const { dataDir, port, host, user } = loadEmbeddedDbConfig();
  const db = await startEmbeddedDb({
    dataDir,
    port,
    host,
    users: user ? [user] : [],
    onLog: (line) => console.error(`[embedded-db] ${line}`),
  });
  console.log(
    `embedded MongoDB-compatible server listening on ${db.url} (data in ${path.join(dataDir, 'embedded-db')})`,
  );
  if (user) console.log(`clients log in as ${JSON.stringify(user.username)} with ?authSource=admin`);
  else if (db.authRequired) {
    console.log(
      'this data dir has users, so clients must log in (with ?authSource=admin); the login the app ' +
        `generated for itself is in ${path.join(dataDir, 'embedded-db-credentials.json')}`,
    );
  }
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
