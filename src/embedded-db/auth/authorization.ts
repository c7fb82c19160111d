// Who may run what once the server has users: the handshake without logging in, then what the
// logged-in user's roles allow on the command's database. Built-in roles supported:
// root, readWriteAnyDatabase, readAnyDatabase, userAdminAnyDatabase (on admin), and dbOwner,
// readWrite, read, userAdmin (on one database).
import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import type { AuthenticatedUser } from './connection-auth.js';
import type { RoleRef } from './user-store.js';

/** What mongod answers without authentication (requiresAuth() false). */
const WITHOUT_LOGIN = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'ping',
  'buildInfo',
  'buildinfo',
  'saslStart',
  'saslContinue',
  'logout',
  'connectionStatus',
]);

/** Commands that touch no database's data: any logged-in user may run them. */
const SERVER_LEVEL = new Set([
  'serverStatus',
  'whatsmyuri',
  'getParameter',
  'getLog',
  'hostInfo',
  'getCmdLineOpts',
  'endSessions',
  'killSessions',
  'killAllSessions',
  'refreshSessions',
  'startSession',
  'fsync',
  'getLastError',
  'resetError',
  'abortTransaction',
  'commitTransaction',
  'embeddedDbStats',
  // Any logged-in user may ask; what it answers depends on the user (databasesVisibleTo).
  'listDatabases',
]);

const READ = new Set([
  'find',
  'getMore',
  'killCursors',
  'count',
  'distinct',
  'aggregate',
  'explain',
  'listCollections',
  'listIndexes',
]);

const USER_ADMIN = new Set(['createUser', 'updateUser', 'dropUser', 'usersInfo', 'dropAllUsersFromDatabase']);

type Action = 'read' | 'write' | 'userAdmin';

export const ROLES_ON_ADMIN = ['root', 'readWriteAnyDatabase', 'readAnyDatabase', 'userAdminAnyDatabase'];
export const ROLES_ON_ANY_DB = ['dbOwner', 'readWrite', 'read', 'userAdmin'];

export function isKnownRole(r: RoleRef): boolean {
  return ROLES_ON_ANY_DB.includes(r.role) || (r.db === 'admin' && ROLES_ON_ADMIN.includes(r.role));
}

function grants(r: RoleRef, action: Action, db: string): boolean {
  switch (r.role) {
    case 'root':
      return true;
    case 'readWriteAnyDatabase':
      return action !== 'userAdmin';
    case 'readAnyDatabase':
      return action === 'read';
    case 'userAdminAnyDatabase':
      return action === 'userAdmin';
    default:
      break;
  }
  if (r.db !== db) return false;
  if (r.role === 'dbOwner') return true;
  if (r.role === 'readWrite') return action !== 'userAdmin';
  if (r.role === 'read') return action === 'read';
  return r.role === 'userAdmin' && action === 'userAdmin';
}

function actionOf(name: string, cmd: Document): Action {
  if (USER_ADMIN.has(name)) return 'userAdmin';
  if (name === 'aggregate' && Array.isArray(cmd.pipeline)) {
    const writes = (cmd.pipeline as unknown[]).some(
      (s) => s !== null && typeof s === 'object' && ('$out' in s || '$merge' in s),
    );
    return writes ? 'write' : 'read';
  }
  if (name === 'explain') return 'read';
  return READ.has(name) ? 'read' : 'write';
}

/** usersInfo asks about the logged-in user only: "name" on its own database, or {user, db}. */
function namesSelf(spec: unknown, db: string, self: AuthenticatedUser): boolean {
  if (typeof spec === 'string') return spec === self.user && db === self.db;
  if (spec === null || typeof spec !== 'object') return false;
  const s = spec as { user?: unknown; db?: unknown };
  return s.user === self.user && s.db === self.db;
}

export const unauthorized = (msg: string) => new CommandError(13, 'Unauthorized', msg);

/** Roles on admin that hold mongod's cluster-wide listDatabases action. */
const LIST_ALL_DATABASES = ['root', 'readAnyDatabase', 'readWriteAnyDatabase', 'userAdminAnyDatabase'];

/**
 * The databases listDatabases shows `user` (undefined: nobody logged in, the server has no users),
 * as mongod decides: every database to a holder of the cluster-wide listDatabases action, and
 * otherwise (or with `authorizedDatabases: true`) those its roles grant anything on; with
 * `authorizedDatabases: false`, a user without the action is refused.
 */
export function databasesVisibleTo(
  names: string[],
  user: AuthenticatedUser | undefined,
  authorizedDatabases: unknown,
): string[] {
  if (!user) return names;
  const listsAll = user.roles.some((r) => r.db === 'admin' && LIST_ALL_DATABASES.includes(r.role));
  if (authorizedDatabases === false && !listsAll) {
    throw unauthorized('not authorized on admin to execute command { listDatabases: 1 }');
  }
  if (listsAll && authorizedDatabases !== true) return names;
  const actions: Action[] = ['read', 'write', 'userAdmin'];
  return names.filter((db) => user.roles.some((r) => actions.some((a) => grants(r, a, db))));
}

/** Throws Unauthorized (13) unless `user` (undefined: not logged in) may run the command. */
export function authorize(name: string, db: string, cmd: Document, user: AuthenticatedUser | undefined): void {
  if (WITHOUT_LOGIN.has(name)) return;
  if (!user) throw unauthorized(`Command ${name} requires authentication`);
  if (SERVER_LEVEL.has(name)) return;
  // usersInfo on oneself needs no role, as in mongod.
  if (name === 'usersInfo' && namesSelf(cmd.usersInfo, db, user)) return;
  const action = actionOf(name, cmd);
  if (user.roles.some((r) => grants(r, action, db))) return;
  throw unauthorized(`not authorized on ${db} to execute command { ${name}: ${JSON.stringify(cmd[name])} }`);
}
