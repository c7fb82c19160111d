// Dispatches a command document to its handler and turns every failure into MongoDB's error shape.
import type { Document } from 'bson';
import { toQueryForm } from './bson-values.js';
import { authorize } from './auth/authorization.js';
import { aggregate } from './commands/aggregate.js';
import * as auth from './commands/auth-commands.js';
import { explain } from './commands/explain.js';
import * as coll from './commands/collection-commands.js';
import { findAndModify } from './commands/find-and-modify.js';
import { mapReduce } from './commands/map-reduce.js';
import * as idx from './commands/index-commands.js';
import * as read from './commands/read-commands.js';
import * as srv from './commands/server-commands.js';
import type { CommandContext, Handler, Reply } from './commands/types.js';
import * as users from './commands/user-commands.js';
import * as write from './commands/write-commands.js';
import { CommandError, errorReply } from './errors.js';
import { stats } from './stats.js';

const handlers: Record<string, Handler> = {
  hello: srv.hello,
  isMaster: srv.hello,
  ismaster: srv.hello,
  ping: srv.ping,
  buildInfo: srv.buildInfo,
  buildinfo: srv.buildInfo,
  serverStatus: srv.serverStatus,
  whatsmyuri: srv.whatsmyuri,
  connectionStatus: srv.connectionStatus,
  getParameter: srv.getParameter,
  setParameter: srv.setParameter,
  getLog: srv.getLog,
  hostInfo: srv.hostInfo,
  getCmdLineOpts: srv.getCmdLineOpts,
  endSessions: srv.ok,
  killSessions: srv.ok,
  killAllSessions: srv.ok,
  refreshSessions: srv.ok,
  startSession: srv.ok,
  logout: auth.logout,
  saslStart: auth.saslStart,
  saslContinue: auth.saslContinue,
  createUser: users.createUser,
  updateUser: users.updateUser,
  dropUser: users.dropUser,
  dropAllUsersFromDatabase: users.dropAllUsersFromDatabase,
  usersInfo: users.usersInfo,
  fsync: srv.ok,
  getLastError: srv.ok,
  resetError: srv.ok,
  abortTransaction: srv.transactionsUnsupported,
  commitTransaction: srv.transactionsUnsupported,
  embeddedDbStats: srv.embeddedDbStats,
  insert: write.insert,
  update: write.update,
  delete: write.del,
  find: read.find,
  getMore: read.getMore,
  killCursors: read.killCursors,
  count: read.count,
  distinct: read.distinct,
  aggregate,
  mapReduce,
  explain,
  findAndModify,
  findandmodify: findAndModify,
  create: coll.create,
  drop: coll.drop,
  dropDatabase: coll.dropDatabase,
  listCollections: coll.listCollections,
  listDatabases: coll.listDatabases,
  renameCollection: coll.renameCollection,
  collMod: coll.collMod,
  createIndexes: idx.createIndexes,
  listIndexes: idx.listIndexes,
  dropIndexes: idx.dropIndexes,
  deleteIndexes: idx.dropIndexes,
};

// Write payloads are read in exact form by their handlers; converting them here would be wasted work.
const EXACT_ONLY = new Set(['documents', 'updates', 'deletes']);

function queryForm(exact: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries<unknown>(exact)) out[k] = EXACT_ONLY.has(k) ? v : toQueryForm(v);
  return out;
}

export async function runCommand(exact: Document, base: Omit<CommandContext, 'db'>): Promise<Reply> {
  stats.commands++;
  const name = Object.keys(exact)[0] ?? '';
  try {
    if (name === '__legacyFind') {
      throw new CommandError(
        352,
        'UnsupportedOpQueryCommand',
        'Unsupported OP_QUERY command: find. The client driver may require an upgrade.',
      );
    }
    const db = typeof exact.$db === 'string' ? exact.$db : 'admin';
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (!handler) {
      base.logRefusal('unknown', name, base.remote);
      throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    }
    // Authentication is on once the server has a user (before that, as mongod's localhost
    // exception, anyone may create the first one).
    if (base.users.any) {
      try {
        authorize(name, db, exact, base.auth.user);
      } catch (e) {
        base.logRefusal(base.auth.user ? 'unauthorized' : 'unauthenticated', name, base.remote);
        throw e;
      }
    }
    if (exact.startTransaction === true || exact.autocommit === false) {
      throw new CommandError(
        20,
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    return await handler(queryForm(exact), exact, { ...base, db });
  } catch (e) {
    return errorReply(e);
  }
}
