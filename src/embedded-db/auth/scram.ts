// SCRAM (RFC 5802; SHA-256 per RFC 7677) as MongoDB speaks it: the keys a user is stored with,
// and the server side of one conversation. MongoDB's two quirks: SCRAM-SHA-1 runs on the hex MD5
// of "user:mongo:password" instead of the password, and SCRAM-SHA-256 SASLprep's the password.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { saslprep } from '@mongodb-js/saslprep';
import { CommandError } from '../errors.js';

export type Mechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
export const MECHANISMS: readonly Mechanism[] = ['SCRAM-SHA-1', 'SCRAM-SHA-256'];

/** What a user is stored with for one mechanism, as mongod keeps it (base64 strings). */
export interface ScramCredential {
  iterationCount: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

// mongod's defaults (scramIterationCount, scramSHA256IterationCount; salt = hash size - 4 bytes).
const PARAMS = {
  'SCRAM-SHA-1': { hash: 'sha1', iterations: 10_000, saltBytes: 16, keyBytes: 20 },
  'SCRAM-SHA-256': { hash: 'sha256', iterations: 15_000, saltBytes: 28, keyBytes: 32 },
} as const;

export const isMechanism = (v: unknown): v is Mechanism => v === 'SCRAM-SHA-1' || v === 'SCRAM-SHA-256';

export const authFailed = () => new CommandError(18, 'AuthenticationFailed', 'Authentication failed.');

/** The MD5 digest SCRAM-SHA-1 uses as its password (what drivers send with digestPassword false). */
export function sha1PasswordDigest(username: string, password: string): string {
  return createHash('md5').update(`${username}:mongo:${password}`, 'utf8').digest('hex');
}

function preparePassword(mech: Mechanism, username: string, password: string, digested: boolean): string {
  if (mech === 'SCRAM-SHA-1') return digested ? password : sha1PasswordDigest(username, password);
  return saslprep(password);
}

/**
 * The keys for a password. `digested`: the password is already sha1PasswordDigest's output
 * (possible only for SCRAM-SHA-1). Costs one PBKDF2 run (~10 ms): done when users are written,
 * never per login.
 */
export function deriveCredential(
  mech: Mechanism,
  username: string,
  password: string,
  opts: { digested?: boolean; salt?: Buffer; iterations?: number } = {},
): ScramCredential {
  const p = PARAMS[mech];
  const salt = opts.salt ?? randomBytes(p.saltBytes);
  const iterationCount = opts.iterations ?? p.iterations;
  const secret = preparePassword(mech, username, password, opts.digested ?? false);
  const salted = pbkdf2Sync(secret, salt, iterationCount, p.keyBytes, p.hash);
  const clientKey = hmac(p.hash, salted, 'Client Key');
  return {
    iterationCount,
    salt: salt.toString('base64'),
    storedKey: createHash(p.hash).update(clientKey).digest('base64'),
    serverKey: hmac(p.hash, salted, 'Server Key').toString('base64'),
  };
}

/** Whether `password` is the one `cred` was made from (so an unchanged user need not be rewritten). */
export function credentialMatches(mech: Mechanism, cred: ScramCredential, username: string, password: string): boolean {
  const again = deriveCredential(mech, username, password, {
    salt: Buffer.from(cred.salt, 'base64'),
    iterations: cred.iterationCount,
  });
  return safeEqual(Buffer.from(again.storedKey, 'base64'), Buffer.from(cred.storedKey, 'base64'));
}

function hmac(hash: string, key: Buffer, text: string | Buffer): Buffer {
  return createHmac(hash, key).update(text).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** "=2C" and "=3D" in a SCRAM name stand for "," and "="; any other "=" is malformed. */
function decodeName(raw: string): string {
  if (/=(?!2C|3D)/.test(raw)) throw authFailed();
  return raw.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** "a=1,b=2" → {a: '1', b: '2'} (values may contain "="). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw authFailed();
    out.set(part.slice(0, 1), part.slice(2));
  }
  return out;
}

export interface ClientFirst {
  username: string;
  gs2Header: string;
  bare: string;
  clientNonce: string;
}

/** Parses "n,,n=user,r=nonce". Channel binding ("p=") and an authzid other than none are refused. */
export function parseClientFirst(payload: Buffer): ClientFirst {
  const text = payload.toString('utf8');
  const m = /^([ny]),,(.*)$/s.exec(text);
  const flag = m?.[1];
  const bare = m?.[2];
  if (flag === undefined || bare === undefined) throw authFailed();
  const attrs = attributes(bare);
  const name = attrs.get('n');
  const clientNonce = attrs.get('r');
  if (name === undefined || !clientNonce || attrs.has('m')) throw authFailed();
  return { username: decodeName(name), gs2Header: `${flag},,`, bare, clientNonce };
}

/**
 * The server's side of one conversation, after the client-first message: the server-first
 * message to send, then `finish` checks the client's proof and returns the server-final message.
 */
export class ScramConversation {
  readonly serverFirst: string;
  private readonly nonce: string;

  constructor(
    readonly mechanism: Mechanism,
    private readonly first: ClientFirst,
    private readonly credential: ScramCredential,
  ) {
    this.nonce = first.clientNonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${credential.salt},i=${credential.iterationCount}`;
  }

  get username(): string {
    return this.first.username;
  }

  /** Verifies "c=…,r=…,p=…"; returns "v=<server signature>" or throws AuthenticationFailed. */
  finish(payload: Buffer): string {
    const p = PARAMS[this.mechanism];
    const text = payload.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw authFailed();
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const binding = Buffer.from(attrs.get('c') ?? '', 'base64').toString('utf8');
    if (binding !== this.first.gs2Header || attrs.get('r') !== this.nonce) throw authFailed();
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    if (proof.length !== p.keyBytes) throw authFailed();
    const authMessage = `${this.first.bare},${this.serverFirst},${withoutProof}`;
    const storedKey = Buffer.from(this.credential.storedKey, 'base64');
    const signature = hmac(p.hash, storedKey, authMessage);
    const clientKey = Buffer.alloc(p.keyBytes);
    for (let i = 0; i < p.keyBytes; i++) clientKey[i] = (proof[i] ?? 0) ^ (signature[i] ?? 0);
    if (!safeEqual(createHash(p.hash).update(clientKey).digest(), storedKey)) throw authFailed();
    const serverKey = Buffer.from(this.credential.serverKey, 'base64');
    return `v=${hmac(p.hash, serverKey, authMessage).toString('base64')}`;
  }
}
