// The composition root: config → store → chat → HTTP app + WebSocket hub on one http.Server.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChat } from './chat/create-chat.js';
import type { PresenceFactory } from './chat/presence-store.js';
import type { EmbeddedDb } from './embedded-db/index.js';
import type { Config } from './config.js';
import { createErrorLog } from './error-log.js';
import { hostPolicy } from './host-policy.js';
import { createApp } from './http/app.js';
import { createSessions, resolveCookieSecret } from './http/session.js';
import { attachHub, type HubOptions } from './realtime/hub.js';
import { SocketQuota, type SocketPlaces } from './realtime/socket-quota.js';
import { memoryLimiters, redisLimiters } from './rate-limiters.js';
import { connectStore } from './store/connection.js';
import { diskGifStore } from './store/gif-files.js';
import { gridFsGifStore } from './store/gridfs-gif-store.js';
import { gifVariantMaker } from './http/gif-variants.js';
import { connectRedis, type RedisConnection } from './store/redis.js';
import { RedisEventTransport } from './store/redis-event-transport.js';
import { RedisRoomSequence } from './store/redis-room-sequence.js';
import { RedisPresence } from './store/redis-presence.js';
import { RedisSocketPlaces } from './store/redis-socket-places.js';

/** The project root (where views/ and public/ live), whether running from src/ or dist/src/. */
export const ROOT_DIR = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
})();

export interface RunningServer {
  url: string;
  port: number;
  database: string;
  /** Names this process in the X-Instance header of every answer (its pid: which worker answered). */
  instance: string;
  http: Server;
  /** The embedded database when MONGO_URL is unset (tests end its worker to check recovery). */
  embeddedDb: EmbeddedDb | undefined;
  close(): Promise<void>;
}

/** What a caller may swap in besides the configuration (tests do, to watch or force a path). */
export interface ServerHooks {
  /** Where warnings go (default: stderr). */
  warn?: (line: string) => void;
  socketOf?: HubOptions['socketOf'];
  /** The X-Instance name (default: the pid; several servers in one test process need their own). */
  instance?: string;
}

export async function startServer(
  config: Config,
  log: (line: string) => void = console.log,
  hooks: ServerHooks = {},
): Promise<RunningServer> {
  const instance = hooks.instance ?? String(process.pid);
  const errors = createErrorLog();
  const logError = (err: unknown) => errors.logError(err);
  const checkHost = hostPolicy(config.allowedHosts, config.publicUrl);
  await mkdir(config.dataDir, { recursive: true });
  await mkdir(config.uploadDir, { recursive: true });

  const store = await connectStore({
    mongoUrl: config.mongoUrl,
    dataDir: config.dataDir,
    opTimeoutMs: config.dbOpTimeoutMs,
    restartDelayMs: config.embeddedDbRestartMs,
    onLog: (line) => console.error(`[gif-chat] embedded database: ${line}`),
  });
  let redis: RedisConnection | undefined;
  try {
    // UPLOAD_DIR holds the GIFs themselves on disk; with GridFS only uploads being checked.
    const gifs = config.gifStore === 'gridfs' ? gridFsGifStore(config.uploadDir) : diskGifStore(config.uploadDir);
    if (config.redisUrl) {
      redis = await connectRedis(config.redisUrl, (line) => console.error(`[gif-chat] ${line}`));
    }
    // Every budget counts in one place: Redis when instances share it, else this process's memory.
    const limiters = redis ? redisLimiters(redis.client) : memoryLimiters;
    // Instances sharing Redis hear each other's events and take rooms' places from one counter.
    const transport = redis ? new RedisEventTransport(redis.client, logError) : undefined;
    // Who is in which room: this process's memory, or Redis when instances share the rooms.
    const redisClient = redis?.client;
    const presence: PresenceFactory | undefined = redisClient
      ? (graceMs, onGone) => new RedisPresence(redisClient, { graceMs, onGone, onError: logError })
      : undefined;
    const chat = await createChat({
      transport,
      sequence: redis ? new RedisRoomSequence(redis.client) : undefined,
      giveUpMs: config.dbOpTimeoutMs + 2000,
      gifs,
      roomIdleMs: config.roomIdleMs,
      roomMaxMembers: config.roomMaxMembers,
      presenceGraceMs: config.presenceGraceMs,
      chatPer10s: config.chatPer10s,
      chatPerIpPer10s: config.chatPerIpPer10s,
      limiters,
      presence,
      onError: logError,
    });
    const cookieSecret = await resolveCookieSecret(config.cookieSecret, config.dataDir);
    const sessions = await createSessions({
      secret: cookieSecret,
      client: store.client,
      secureCookies: config.trustProxy,
    });
    const app = createApp({
      rootDir: ROOT_DIR,
      chat,
      sessions,
      upload: {
        gifs,
        maxBytes: config.uploadMaxBytes,
        maxPixels: config.uploadMaxPixels,
        maxTotalPixels: config.uploadMaxTotalPixels,
        variants: gifVariantMaker({
          maxPixels: config.uploadMaxPixels,
          maxWebpPixels: config.gifWebpMaxPixels,
          timeoutMs: config.gifConvertTimeoutMs,
          concurrency: 2,
          log: hooks.warn ?? ((line) => console.warn(`[gif-chat] ${line}`)),
        }),
      },
      cookieSecret,
      allowedOrigins: config.allowedOrigins,
      checkHost,
      quotas: config.quotas,
      limiters,
      trustProxy: config.trustProxy,
      logFormat: config.logFormat,
      production: config.env === 'production',
      isReady: () => store.isReady(),
      isLive: () => store.isLive(),
      logError,
      instance,
    });
    // Open sockets per person and address: counted by this process, or by every instance in Redis.
    let socketPlaces: SocketPlaces = new SocketQuota(config.quotas.sockets);
    if (redis) {
      const shared = new RedisSocketPlaces(redis.client, { limits: config.quotas.sockets, onError: logError });
      // This instance's key must exist before its first place counts (fields of dead instances are dropped).
      await shared.heartbeat();
      socketPlaces = shared;
    }
    const http = createServer(app);
    const hub = attachHub(http, {
      chat,
      sessions,
      allowedOrigins: config.allowedOrigins,
      trustProxy: config.trustProxy,
      checkHost,
      socketQuota: config.quotas.sockets,
      socketPlaces,
      heartbeatMs: config.wsHeartbeatMs,
      maxPayload: config.wsMaxPayload,
      framesPer10s: config.wsFramesPer10s,
      logError,
      warn: hooks.warn ?? ((line) => console.warn(`[gif-chat] ${line}`)),
      socketOf: hooks.socketOf,
      instance,
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      if (config.host) http.listen(config.port, config.host, resolve);
      else http.listen(config.port, resolve);
    });
    const port = (http.address() as AddressInfo).port;
    const url = `http://localhost:${port}`;
    const shared = redis ? `, shared state: ${redis.description}` : '';
    log(`gif-chat listening on ${url} (database: ${store.description}${shared})`);

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      database: store.description,
      instance,
      http,
      embeddedDb: store.embedded,
      close: () =>
        (closing ??= (async () => {
          errors.closing();
          const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
          await hub.close();
          http.closeAllConnections();
          await stopped;
          chat.close();
          // Changes under way reach Redis before the connection closes.
          await chat.presence.close();
          await transport?.close();
          await socketPlaces.close();
          await store.close();
          await redis?.close();
          errors.closed();
        })()),
    };
  } catch (err) {
    await redis?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
