// The login the app uses on its own embedded database: generated once and kept in
// DATA_DIR/embedded-db-credentials.json (mode 0600, like the cookie secret), so another local
// process, which can reach the loopback port but not the file, cannot read sessions, password
// hashes or whispers. A data dir from before this file existed gets the user on its next start.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddedDb } from '../embedded-db/index.js';

export interface DbCredentials {
  username: string;
  password: string;
}

export const CREDENTIALS_FILE = 'embedded-db-credentials.json';
const USERNAME = 'gifchat';

async function read(file: string): Promise<DbCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<DbCredentials>;
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string' || parsed.password.length < 32) {
    throw new Error(`${file} is not valid; delete it to have new credentials generated`);
  }
  return { username: parsed.username, password: parsed.password };
}

export async function resolveEmbeddedDbCredentials(dataDir: string): Promise<DbCredentials> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const existing = await read(file);
  if (existing) {
    await chmod(file, 0o600);
    return existing;
  }
  await mkdir(dataDir, { recursive: true });
  const created = { username: USERNAME, password: randomBytes(32).toString('hex') };
  try {
    // 'wx': two processes starting at once on a fresh dir end up with the same credentials.
    await writeFile(file, JSON.stringify(created) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const winner = await read(file);
    if (winner) return winner;
    throw e;
  }
  return created;
}

/** The app's database (always named gifchat) on the embedded server, logged in as `creds`. */
export function embeddedDatabaseUrl(embedded: EmbeddedDb, creds: DbCredentials): string {
  const login = `${encodeURIComponent(creds.username)}:${encodeURIComponent(creds.password)}`;
  return `${embedded.url.replace(/\/$/, '').replace('mongodb://', `mongodb://${login}@`)}/gifchat?authSource=admin`;
}
