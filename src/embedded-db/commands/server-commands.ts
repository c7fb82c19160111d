// Handshake, diagnostics and session commands: just enough for drivers, mongosh and Compass.
import { Long, type Document } from 'bson';
import { num } from '../bson-values.js';
import { takeGcPauses } from '../gc-pauses.js';
import { takeCommitTimes, takeReadTimes } from '../op-times.js';
import { threadCpu } from '../thread-cpu.js';
import { openCursorCount } from '../cursor-registry.js';
import { CommandError } from '../errors.js';
import { stats } from '../stats.js';
import { MAX_MESSAGE_BYTES } from '../wire-protocol.js';
import { helloAuthFields } from './auth-commands.js';
import type { CommandContext, Handler } from './types.js';

export const SERVER_VERSION = '6.0.0';
export const MAX_WIRE_VERSION = 17;

export function helloReply(ctx: CommandContext, legacy: boolean): Document {
  const reply: Document = {
    helloOk: true,
    isWritablePrimary: true,
    topologyVersion: { processId: ctx.processId, counter: Long.fromNumber(0) },
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  if (legacy) reply.ismaster = true;
  return reply;
}

/** A driver's monitor asking to be told of topology changes (it waits up to maxAwaitTimeMS). */
export function isAwaitableHello(cmd: Document): boolean {
  const named = 'hello' in cmd || 'isMaster' in cmd || 'ismaster' in cmd;
  return named && cmd.topologyVersion !== undefined && cmd.maxAwaitTimeMS !== undefined;
}

/** Awaitable hello: a monitor waiting on an unchanged topology gets its answer after maxAwaitTimeMS. */
export const hello: Handler = async (cmd, exact, ctx) => {
  if (isAwaitableHello(cmd)) {
    await new Promise((r) => setTimeout(r, Math.min(num(cmd.maxAwaitTimeMS), 10_000)).unref());
  }
  return { ...helloReply(ctx, 'isMaster' in cmd || 'ismaster' in cmd), ...helloAuthFields(exact, ctx) };
};

export const ping: Handler = () => ({ ok: 1 });

export const buildInfo: Handler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: [6, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['lmdb'],
  modules: [],
  javascriptEngine: 'none',
  ok: 1,
});

export const serverStatus: Handler = (_cmd, _exact, ctx) => ({
  host: 'embedded-db',
  version: SERVER_VERSION,
  process: 'embedded-db',
  pid: Long.fromNumber(process.pid),
  uptime: Math.floor((Date.now() - ctx.startedAt) / 1000),
  localTime: new Date(),
  connections: { current: stats.connectionsCurrent, totalCreated: stats.connectionsOpened, available: 1000 },
  metrics: { cursor: { open: { total: openCursorCount() } } },
  embeddedDb: {
    docsExamined: stats.docsExamined,
    keysExamined: stats.keysExamined,
    commands: stats.commands,
    commits: takeCommitTimes(),
    reads: takeReadTimes(),
    gc: takeGcPauses(),
    thread: threadCpu(),
  },
  ok: 1,
});

export const whatsmyuri: Handler = (_cmd, _exact, ctx) => ({ you: ctx.remote, ok: 1 });

export const connectionStatus: Handler = (_cmd, _exact, ctx) => {
  const u = ctx.auth.user;
  return {
    authInfo: {
      authenticatedUsers: u ? [{ user: u.user, db: u.db }] : [],
      authenticatedUserRoles: u?.roles ?? [],
    },
    ok: 1,
  };
};

export const getParameter: Handler = (cmd) => {
  const reply: Document = { ok: 1 };
  if ('featureCompatibilityVersion' in cmd || cmd.getParameter === '*')
    reply.featureCompatibilityVersion = { version: '6.0' };
  return reply;
};

/** setParameter: accepted and acknowledged (server parameters have no effect here; the TTL
 * sweep interval is `ttlIntervalMs`, 5 s by default, rather than `ttlMonitorSleepSecs`). */
export const setParameter: Handler = () => ({ was: null, ok: 1 });

export const getLog: Handler = (cmd) =>
  cmd.getLog === '*' ? { names: ['global', 'startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 };

export const hostInfo: Handler = () => ({
  system: { currentTime: new Date(), hostname: 'embedded-db' },
  os: { type: process.platform },
  extra: {},
  ok: 1,
});

export const getCmdLineOpts: Handler = () => ({ argv: [], parsed: {}, ok: 1 });

export const ok: Handler = () => ({ ok: 1 });

export const transactionsUnsupported: Handler = () => {
  throw new CommandError(
    20,
    'IllegalOperation',
    'Transaction numbers are only allowed on a replica set member or mongos',
  );
};

export const embeddedDbStats: Handler = () => ({ ...stats, openCursors: openCursorCount(), ok: 1 });
