// The one place that reads the environment: parsed once (dotenv, then zod) into a typed object.
import 'dotenv/config';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default(''),
  PORT: int(8005, 0, 65535),
  MONGO_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_DIR: z.string().min(1).default('./uploads'),
  GIF_STORE: z.enum(['disk', 'gridfs']).default('disk'),
  COOKIE_SECRET: z.string().optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0', '']).default('false'),
  ALLOWED_ORIGINS: z.string().default(''),
  PUBLIC_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ALLOWED_HOSTS: z.string().default(''),
  UPLOAD_MAX_BYTES: int(5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  UPLOAD_MAX_PIXELS: int(4096 * 4096, 1, 100_000_000),
  UPLOAD_MAX_TOTAL_PIXELS: int(100_000_000, 1, 2_000_000_000),
  GIF_WEBP_MAX_PIXELS: int(50_000_000, 0, 2_000_000_000),
  GIF_CONVERT_TIMEOUT_MS: int(10_000, 1000, 600_000),
  ROOMS_PER_PERSON_PER_10MIN: int(10, 1, 1_000_000),
  ROOMS_PER_IP_PER_10MIN: int(30, 1, 1_000_000),
  UPLOADS_PER_PERSON_PER_MIN: int(20, 1, 1_000_000),
  UPLOADS_PER_IP_PER_MIN: int(60, 1, 1_000_000),
  RENAMES_PER_PERSON_PER_10MIN: int(10, 1, 1_000_000),
  RENAMES_PER_IP_PER_10MIN: int(100, 1, 10_000_000),
  SOCKETS_PER_PERSON: int(20, 1, 1_000_000),
  SOCKETS_PER_IP: int(200, 1, 10_000_000),
  VISITORS_PER_IP_PER_10MIN: int(100, 1, 10_000_000),
  ROOM_MAX_MEMBERS: int(100, 2, 100_000),
  ROOM_IDLE_MS: int(5 * 60_000, 0, 7 * 24 * 3_600_000),
  PRESENCE_GRACE_MS: int(5_000, 0, 600_000),
  WS_HEARTBEAT_MS: int(30_000, 50, 600_000),
  WS_MAX_PAYLOAD: int(16 * 1024, 1024, 1024 * 1024),
  CHAT_PER_10S: int(20, 1, 1_000_000),
  CHAT_PER_IP_PER_10S: int(100, 1, 10_000_000),
  WS_FRAMES_PER_10S: int(120, 10, 10_000_000),
  LOG_FORMAT: z.string().default(''),
  DB_OP_TIMEOUT_MS: int(5_000, 100, 600_000),
  EMBEDDED_DB_RESTART_MS: int(1_000, 10, 600_000),
  WORKERS: z
    .string()
    .trim()
    .regex(/^(auto|\d*)$/, 'must be a number of worker processes (1 or more) or "auto" (one per core)')
    .default(''),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  mongoUrl: string | undefined;
  /** Redis shared by every instance (rate budgets…); unset: one process, everything in memory. */
  redisUrl: string | undefined;
  dataDir: string;
  uploadDir: string;
  /** Where uploaded GIFs are kept: files in uploadDir, or GridFS in the database (shared by instances). */
  gifStore: 'disk' | 'gridfs';
  cookieSecret: string | undefined;
  trustProxy: boolean;
  allowedOrigins: string[];
  /** The address people use to reach the app (its host is always an allowed Host), if set. */
  publicUrl: string | undefined;
  /** DNS names (exact, or ".example.com" for a domain and its subdomains, or "*") allowed in Host. */
  allowedHosts: string[];
  uploadMaxBytes: number;
  /** Largest picture (screen or any one frame), in pixels. */
  uploadMaxPixels: number;
  /** Largest sum of frame pixels over a whole animation: what a viewer decodes per loop. */
  uploadMaxTotalPixels: number;
  /** Most pixels (picture × frames) decoded to make a GIF's animated WebP; 0 makes none. */
  gifWebpMaxPixels: number;
  /** Making a GIF's still frame, or its WebP, is abandoned after this long. */
  gifConvertTimeoutMs: number;
  /** Budgets per person (visitor identity) and per client IP address (IPv6: per /64). */
  quotas: Quotas;
  /** The largest capacity a room may be created with. */
  roomMaxMembers: number;
  roomIdleMs: number;
  presenceGraceMs: number;
  wsHeartbeatMs: number;
  wsMaxPayload: number;
  /** Chats and whispers one person may send per 10 s, over the socket and HTTP together. */
  chatPer10s: number;
  /** Chats and whispers everyone from one address may send per 10 s together. */
  chatPerIpPer10s: number;
  /** Frames of any kind one connection may send per 10 s before it is closed with 1008. */
  wsFramesPer10s: number;
  /** morgan format, or 'none' to log no requests. */
  logFormat: string;
  /** How long one database operation may wait for an answer before it fails as unavailable. */
  dbOpTimeoutMs: number;
  /** First wait before the embedded database's dead worker is restarted (doubles while it fails). */
  embeddedDbRestartMs: number;
  /** Worker processes sharing the port (node:cluster); 1 = one process, no cluster. */
  workers: number;
}

export interface Quotas {
  roomsPer10Min: { person: number; ip: number };
  uploadsPerMin: { person: number; ip: number };
  /** Nickname changes (each posts a line in every room its person is in). */
  renamesPer10Min: { person: number; ip: number };
  /** Sockets open at once. */
  sockets: { person: number; ip: number };
  /** New visitor identities (stored sessions) one address may create per 10 minutes. */
  visitorsPerIpPer10Min: number;
}

export class ConfigError extends Error {}

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The most worker processes WORKERS may ask for (far more than any machine has cores). */
const MAX_WORKERS = 256;

/** WORKERS as a count: unset or empty = 1, "auto" = one per core. */
function workerCount(setting: string, redisUrl: string | undefined): number {
  const workers = setting === 'auto' ? availableParallelism() : setting === '' ? 1 : Number(setting);
  if (workers < 1 || workers > MAX_WORKERS) {
    throw new ConfigError(`invalid configuration:\n  WORKERS: must be between 1 and ${MAX_WORKERS}`);
  }
  if (workers > 1 && !redisUrl) {
    throw new ConfigError(
      `WORKERS=${setting} starts ${workers} processes, and separate processes share rooms, presence and ` +
        'limits only through Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379), or unset WORKERS to run one process',
    );
  }
  return workers;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envSchema, env);
  const production = e.NODE_ENV === 'production';
  if (production && (!e.COOKIE_SECRET || e.COOKIE_SECRET.length < 32)) {
    throw new ConfigError('COOKIE_SECRET must be set to at least 32 random characters in production');
  }
  const workers = workerCount(e.WORKERS, e.REDIS_URL);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    mongoUrl: e.MONGO_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    uploadDir: path.resolve(e.UPLOAD_DIR),
    gifStore: e.GIF_STORE,
    cookieSecret: e.COOKIE_SECRET || undefined,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    // The public address is the app's own origin wherever the request came in.
    allowedOrigins: [...list(e.ALLOWED_ORIGINS), ...(e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : [])],
    publicUrl: e.PUBLIC_URL,
    allowedHosts: list(e.ALLOWED_HOSTS).map((h) => h.toLowerCase()),
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploadMaxPixels: e.UPLOAD_MAX_PIXELS,
    // A total below the one-frame cap would only refuse single-frame GIFs the frame cap accepts.
    uploadMaxTotalPixels: Math.max(e.UPLOAD_MAX_TOTAL_PIXELS, e.UPLOAD_MAX_PIXELS),
    gifWebpMaxPixels: e.GIF_WEBP_MAX_PIXELS,
    gifConvertTimeoutMs: e.GIF_CONVERT_TIMEOUT_MS,
    quotas: {
      roomsPer10Min: { person: e.ROOMS_PER_PERSON_PER_10MIN, ip: e.ROOMS_PER_IP_PER_10MIN },
      uploadsPerMin: { person: e.UPLOADS_PER_PERSON_PER_MIN, ip: e.UPLOADS_PER_IP_PER_MIN },
      renamesPer10Min: { person: e.RENAMES_PER_PERSON_PER_10MIN, ip: e.RENAMES_PER_IP_PER_10MIN },
      sockets: { person: e.SOCKETS_PER_PERSON, ip: e.SOCKETS_PER_IP },
      visitorsPerIpPer10Min: e.VISITORS_PER_IP_PER_10MIN,
    },
    roomMaxMembers: e.ROOM_MAX_MEMBERS,
    roomIdleMs: e.ROOM_IDLE_MS,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    wsHeartbeatMs: e.WS_HEARTBEAT_MS,
    wsMaxPayload: e.WS_MAX_PAYLOAD,
    chatPer10s: e.CHAT_PER_10S,
    chatPerIpPer10s: e.CHAT_PER_IP_PER_10S,
    wsFramesPer10s: e.WS_FRAMES_PER_10S,
    logFormat: e.LOG_FORMAT || (production ? 'combined' : e.NODE_ENV === 'test' ? 'none' : 'dev'),
    dbOpTimeoutMs: e.DB_OP_TIMEOUT_MS,
    embeddedDbRestartMs: e.EMBEDDED_DB_RESTART_MS,
    workers,
  };
}

// `npm run db` (src/embedded-db/main.ts) reads its settings here too, from the same .env, so the
// standalone database opens the DATA_DIR the app uses. Only the variables it needs are parsed:
// an app-only setting (COOKIE_SECRET in production, say) must not stop the database.
const embeddedDbSchema = z.object({
  DATA_DIR: envSchema.shape.DATA_DIR,
  EMBEDDED_DB_PORT: int(27017, 0, 65535),
  EMBEDDED_DB_HOST: z.string().min(1).default('127.0.0.1'),
  EMBEDDED_DB_USERNAME: z.string().optional(),
  EMBEDDED_DB_PASSWORD: z.string().optional(),
});

export interface EmbeddedDbConfig {
  /** Absolute; the database keeps its files in dataDir/embedded-db, as when the app embeds it. */
  dataDir: string;
  port: number;
  host: string;
  /** A root user created (or given this password) at start; then every client must log in. */
  user: { username: string; password: string } | undefined;
}

export function loadEmbeddedDbConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedDbConfig {
  const e = parseEnv(
    embeddedDbSchema.refine((v) => Boolean(v.EMBEDDED_DB_USERNAME) === Boolean(v.EMBEDDED_DB_PASSWORD), {
      error: 'set both EMBEDDED_DB_USERNAME and EMBEDDED_DB_PASSWORD, or neither',
      path: ['EMBEDDED_DB_PASSWORD'],
    }),
    env,
  );
  const user =
    e.EMBEDDED_DB_USERNAME && e.EMBEDDED_DB_PASSWORD
      ? { username: e.EMBEDDED_DB_USERNAME, password: e.EMBEDDED_DB_PASSWORD }
      : undefined;
  return { dataDir: path.resolve(e.DATA_DIR), port: e.EMBEDDED_DB_PORT, host: e.EMBEDDED_DB_HOST, user };
}
