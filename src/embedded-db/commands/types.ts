// Shared shapes for command handlers.
import type { Document } from 'bson';
import type { Catalog } from '../catalog.js';
import type { Storage } from '../storage.js';
import type { ConnectionAuth } from '../auth/connection-auth.js';
import type { UserStore } from '../auth/user-store.js';
import type { RefusalLog } from '../refusal-log.js';
import { CommandError } from '../errors.js';

export interface ServerState {
  storage: Storage;
  catalog: Catalog;
  processId: import('bson').ObjectId;
  startedAt: number;
  users: UserStore;
  log: (line: string) => void;
  logRefusal: RefusalLog;
}

export interface CommandContext extends ServerState {
  db: string;
  connectionId: number;
  remote: string;
  /** This connection's login state. */
  auth: ConnectionAuth;
}

/** A reply is either a document or pre-encoded BSON (cursor replies built from stored bytes). */
export type Reply = Document | Buffer;

/**
 * `cmd` is the command in query form (plain numbers); `exact` is the same command with every
 * BSON type preserved, for handlers that store client values.
 */
export type Handler = (cmd: Document, exact: Document, ctx: CommandContext) => Reply | Promise<Reply>;

export function collectionName(cmd: Document, key: string): string {
  const v: unknown = cmd[key];
  if (typeof v !== 'string' || v.length === 0) {
    throw new CommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeof v}`);
  }
  return v;
}

/** Who a cursor belongs to (the logged-in user and its database); undefined while the server has no users. */
export function cursorOwner(ctx: CommandContext): string | undefined {
  const u = ctx.auth.user;
  return u ? JSON.stringify([u.user, u.db]) : undefined;
}
