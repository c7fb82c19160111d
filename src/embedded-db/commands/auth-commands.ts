// saslStart / saslContinue (SCRAM-SHA-1 and SCRAM-SHA-256), the speculative authentication and
// saslSupportedMechs a driver puts in its hello, and logout.
import { Binary, type Document } from 'bson';
import { CommandError } from '../errors.js';
import { authFailed, isMechanism, MECHANISMS, parseClientFirst, ScramConversation } from '../auth/scram.js';
import type { CommandContext, Handler } from './types.js';

function payloadBytes(v: unknown): Buffer {
  if (v instanceof Binary) return Buffer.from(v.buffer.subarray(0, v.position));
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw new CommandError(14, 'TypeMismatch', 'payload must be BinData');
}

/** A failure counts against the connection, which is closed after a few (see Connection). */
function fail(ctx: CommandContext, why: string): never {
  ctx.auth.failed();
  ctx.log(`authentication failed from ${ctx.remote}: ${why}`);
  throw authFailed();
}

function start(exact: Document, db: string, ctx: CommandContext): Document {
  const mechanism: unknown = exact.mechanism;
  if (!isMechanism(mechanism)) {
    throw new CommandError(
      334,
      'MechanismUnavailable',
      `Received authentication for mechanism ${String(mechanism)} which is not enabled`,
    );
  }
  let first;
  try {
    first = parseClientFirst(payloadBytes(exact.payload));
  } catch (e) {
    if (e instanceof CommandError && e.code === 18) fail(ctx, 'malformed SCRAM client-first message');
    throw e;
  }
  const credential = ctx.users.get(db, first.username)?.credentials[mechanism];
  if (!credential) fail(ctx, `no user ${first.username}@${db} with ${mechanism}`);
  const scram = new ScramConversation(mechanism, first, credential);
  const options = exact.options as Document | undefined;
  const conversationId = ctx.auth.begin(db, scram, options?.skipEmptyExchange === true);
  return { conversationId, done: false, payload: new Binary(Buffer.from(scram.serverFirst)), ok: 1 };
}

export const saslStart: Handler = (_cmd, exact, ctx) => start(exact, ctx.db, ctx);

export const saslContinue: Handler = (_cmd, exact, ctx) => {
  const conversationId: unknown = exact.conversationId;
  const id = typeof conversationId === 'number' ? conversationId : Number(conversationId);
  const pending = ctx.auth.conversation(id);
  if (!pending) throw new CommandError(17, 'ProtocolError', 'No SASL session state found');
  if (pending.proved) {
    ctx.auth.end();
    return { conversationId: id, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
  }
  let serverFinal: string;
  try {
    serverFinal = pending.scram.finish(payloadBytes(exact.payload));
  } catch (e) {
    if (e instanceof CommandError && e.code === 18)
      fail(ctx, `wrong proof for ${pending.scram.username}@${pending.db}`);
    throw e;
  }
  const user = ctx.users.get(pending.db, pending.scram.username);
  if (!user) fail(ctx, `user ${pending.scram.username}@${pending.db} dropped while authenticating`);
  ctx.auth.user = { user: user.user, db: user.db, roles: user.roles };
  pending.proved = true;
  if (pending.skipEmptyExchange) ctx.auth.end();
  return {
    conversationId: id,
    done: pending.skipEmptyExchange,
    payload: new Binary(Buffer.from(serverFinal)),
    ok: 1,
  };
};

/**
 * The authentication parts of a hello: the mechanisms the named user has (so the driver picks
 * SCRAM-SHA-256 when it can), and the answer to a speculative saslStart (one round trip saved).
 * A speculative attempt that fails is left out, as mongod does; the driver then runs saslStart.
 */
export function helloAuthFields(exact: Document, ctx: CommandContext): Document {
  const out: Document = {};
  const named: unknown = exact.saslSupportedMechs;
  if (typeof named === 'string' && named.includes('.')) {
    const dot = named.indexOf('.');
    const user = ctx.users.get(named.slice(0, dot), named.slice(dot + 1));
    if (user) out.saslSupportedMechs = MECHANISMS.filter((m) => user.credentials[m]);
  }
  const speculative = exact.speculativeAuthenticate as Document | undefined;
  if (speculative && typeof speculative === 'object' && speculative.saslStart !== undefined) {
    const db = typeof speculative.db === 'string' ? speculative.db : ctx.db;
    try {
      out.speculativeAuthenticate = start(speculative, db, ctx);
    } catch {
      // Reported to the driver by its own saslStart, which fails the same way.
    }
  }
  return out;
}

export const logout: Handler = (_cmd, _exact, ctx) => {
  ctx.auth.logout();
  return { ok: 1 };
};
