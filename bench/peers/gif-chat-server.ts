// "us": the real gif-chat server (startServer from src/server.ts, embedded database in its worker
// thread), configured from the environment the orchestrator sets, in its own process.
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { ready, serveStats } from './server-stats.js';

const server = await startServer(loadConfig(), () => undefined);
serveStats();
ready(server.port);

const stop = () => void server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
