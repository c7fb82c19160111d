// `npm start`: load the configuration. WORKERS > 1 makes this process the cluster primary, which
// only forks and supervises the workers (src/cluster-primary.ts). Otherwise, and in each worker,
// start the server and shut down cleanly on SIGTERM/SIGINT (forcing exit past 10 s).
import cluster from 'node:cluster';
import { runPrimary } from './cluster-primary.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer } from './server.js';

const SHUTDOWN_LIMIT_MS = 10_000;

async function runServer(config: Config): Promise<void> {
  // A worker's lines name it: several print to the same terminal.
  const log = cluster.isWorker ? (line: string) => console.log(`[worker ${process.pid}] ${line}`) : console.log;
  const server = await startServer(config, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: closing sockets, finishing writes, closing the database…`);
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
  // A second signal ends one process at once. A worker keeps waiting: the primary's SIGTERM follows
  // the terminal's Ctrl-C or a group-wide signal, and the primary kills it if it takes too long.
  const listen = cluster.isWorker ? 'on' : 'once';
  process[listen]('SIGTERM', () => shutdown('SIGTERM'));
  process[listen]('SIGINT', () => shutdown('SIGINT'));
}

try {
  const config = loadConfig();
  if (cluster.isPrimary && config.workers > 1) await runPrimary(config);
  else await runServer(config);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
