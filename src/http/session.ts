// express-session stored in MongoDB (connect-mongo), shared by the pages and the WebSocket upgrade.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import MongoStore from 'connect-mongo';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { MongoClient } from 'mongodb';
import type { Person } from '../shared/protocol.js';

declare module 'express-session' {
  interface SessionData {
    visitor: Person;
    /** Ids of private rooms this visitor unlocked with the password. */
    grants: string[];
    csrfToken: string;
  }
}

export const SESSION_COOKIE = 'gifchat.sid';
const SESSION_TTL_S = 14 * 24 * 3600;

/**
 * The cookie secret: COOKIE_SECRET, or in development one generated once and kept under DATA_DIR
 * so sessions survive restarts. (Production without COOKIE_SECRET fails in config.)
 */
export async function resolveCookieSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'cookie-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not created yet
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

export interface SessionSetup {
  middleware: RequestHandler;
  store: session.Store;
  /** Runs the session middleware on a bare request (the WebSocket upgrade). */
  parse(req: IncomingMessage): Promise<{ sid: string; data: session.SessionData } | null>;
  /** Reads a session afresh from the store, e.g. to see a grant given after the socket opened. */
  load(sid: string): Promise<session.SessionData | null>;
}

/**
 * Writes the session now. express-session saves at the end of a response but sends the headers
 * first, so a client could act on a 303 (or open a socket) before a new grant or identity is
 * stored; routes whose next request depends on the change save it first.
 */
export function saveSession(req: Request): Promise<void> {
  return promisify(req.session.save.bind(req.session))();
}

export async function createSessions(opts: {
  secret: string;
  client: MongoClient;
  secureCookies: boolean;
}): Promise<SessionSetup> {
  // Our own TTL index, awaited here, rather than connect-mongo's fire-and-forget one, which
  // rejects unhandled if the server closes before it finishes.
  await opts.client.db().collection('sessions').createIndex({ expires: 1 }, { expireAfterSeconds: 0 }, undefined);
  const store = MongoStore.create({
    client: opts.client,
    collectionName: 'sessions',
    autoRemove: 'disabled',
    ttl: SESSION_TTL_S,
    touchAfter: 3600,
    stringify: false,
  });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies ? 'auto' : false,
      maxAge: SESSION_TTL_S * 1000,
    },
  });
  const get = promisify(store.get.bind(store));
  const load = async (sid: string) => (await get(sid)) ?? null;
  const runMiddleware = promisify(middleware);
  const parse = async (req: IncomingMessage) => {
    const res = { getHeader() {}, setHeader() {}, end() {} } as unknown as ServerResponse;
    await runMiddleware(req as never, res as never);
    const r = req as IncomingMessage & { sessionID?: string; session?: Partial<session.SessionData> };
    const s = r.session;
    return s?.visitor && r.sessionID ? { sid: r.sessionID, data: s as session.SessionData } : null;
  };
  return { middleware, store, parse, load };
}
