// `npm start`: load the configuration, start the server, and shut down cleanly on SIGTERM/SIGINT
// (forcing exit if that takes longer than 10 s).
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

const SHUTDOWN_LIMIT_MS = 10_000;

try {
  const server = await startServer(loadConfig());
  const shutdown = (signal: string) => {
    console.log(`${signal} received: closing sockets, finishing writes, closing the database…`);
    setTimeout(() => {
      console.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
