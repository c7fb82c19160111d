// "us": the real gif-chat server (startServer from src/server.ts, embedded database in its worker
// thread), configured from the environment the orchestrator sets, in its own process.
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { startWatching, stagesReport } from '../../src/latency-stages.js';
import { ready, serveStats } from './server-stats.js';

const server = await startServer(loadConfig(), () => undefined);
serveStats({
  stagesStart: startWatching,
  stages: stagesReport,
  // The embedded database's own write-transaction times (work + commit + fsync), from its serverStatus.
  dbCommits: async () => {
    const status = await mongoose.connection.db?.admin().serverStatus();
    return (status?.embeddedDb as { commits?: unknown } | undefined)?.commits ?? null;
  },
});
ready(server.port);

const stop = () => void server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
