// createUser, updateUser, dropUser, dropAllUsersFromDatabase, usersInfo: mongod's user
// management commands over the user store. Passwords are turned into salted SCRAM keys here
// and never stored.
import type { Document } from 'bson';
import { isKnownRole } from '../auth/authorization.js';
import { isMechanism, MECHANISMS, type Mechanism } from '../auth/scram.js';
import { makeCredentials, type RoleRef, type StoredUser } from '../auth/user-store.js';
import { badValue, CommandError } from '../errors.js';
import type { Handler } from './types.js';

const userNotFound = (user: string, db: string) =>
  new CommandError(11, 'UserNotFound', `Could not find user "${user}" for db "${db}"`);

function userName(cmd: Document, key: string): string {
  const v: unknown = cmd[key];
  if (typeof v !== 'string' || v.length === 0) throw badValue(`"${key}" must be a non-empty string`);
  return v;
}

function roles(v: unknown, db: string): RoleRef[] {
  if (!Array.isArray(v)) throw badValue('"roles" must be an array');
  return v.map((r: unknown) => {
    const ref =
      typeof r === 'string'
        ? { role: r, db }
        : r && typeof r === 'object' && typeof (r as RoleRef).role === 'string' && typeof (r as RoleRef).db === 'string'
          ? { role: (r as RoleRef).role, db: (r as RoleRef).db }
          : undefined;
    if (!ref) throw badValue('a role must be a name or {role, db}');
    if (!isKnownRole(ref)) throw new CommandError(31, 'RoleNotFound', `No role named ${ref.role}@${ref.db}`);
    return ref;
  });
}

function mechanisms(v: unknown, digested: boolean): Mechanism[] {
  const list = v === undefined ? (digested ? ['SCRAM-SHA-1'] : [...MECHANISMS]) : v;
  if (!Array.isArray(list) || list.length === 0) throw badValue('"mechanisms" must be a non-empty array');
  for (const m of list) {
    if (!isMechanism(m)) throw badValue(`Unknown auth mechanism '${String(m)}'`);
    if (m === 'SCRAM-SHA-256' && digested) throw badValue('Use of SCRAM-SHA-256 requires undigested passwords');
  }
  return list as Mechanism[];
}

function password(cmd: Document): string {
  const v: unknown = cmd.pwd;
  if (typeof v !== 'string' || v.length === 0) throw badValue('Password must be a non-empty string');
  return v;
}

/** digestPassword: false means pwd is already the SCRAM-SHA-1 MD5 digest (old shells). */
const digested = (cmd: Document) => cmd.digestPassword === false;

export const createUser: Handler = async (cmd, exact, ctx) => {
  const user = userName(cmd, 'createUser');
  if (ctx.db === '$external') throw badValue('external users are not supported');
  if (ctx.users.get(ctx.db, user)) {
    throw new CommandError(51003, 'Location51003', `User "${user}@${ctx.db}" already exists`);
  }
  const pwd = password(cmd);
  const mechs = mechanisms(cmd.mechanisms, digested(cmd));
  await ctx.users.put({
    user,
    db: ctx.db,
    credentials: makeCredentials(user, pwd, mechs, digested(cmd)),
    roles: roles(cmd.roles, ctx.db),
    ...(exact.customData ? { customData: exact.customData as Document } : {}),
  });
  return { ok: 1 };
};

export const updateUser: Handler = async (cmd, exact, ctx) => {
  const user = userName(cmd, 'updateUser');
  const existing = ctx.users.get(ctx.db, user);
  if (!existing) throw userNotFound(user, ctx.db);
  const next: StoredUser = { ...existing };
  if (cmd.pwd !== undefined) {
    const mechs = cmd.mechanisms === undefined ? undefined : mechanisms(cmd.mechanisms, digested(cmd));
    const kept = MECHANISMS.filter((m) => existing.credentials[m] && (!digested(cmd) || m === 'SCRAM-SHA-1'));
    next.credentials = makeCredentials(user, password(cmd), mechs ?? kept, digested(cmd));
  } else if (cmd.mechanisms !== undefined) {
    // Without a new password, mechanisms may only be narrowed.
    const mechs = mechanisms(cmd.mechanisms, false);
    if (mechs.some((m) => !existing.credentials[m])) {
      throw badValue('mechanisms field must be a subset of the current set of mechanisms');
    }
    next.credentials = Object.fromEntries(mechs.map((m) => [m, existing.credentials[m]]));
  }
  if (cmd.roles !== undefined) next.roles = roles(cmd.roles, ctx.db);
  if (exact.customData !== undefined) next.customData = exact.customData as Document;
  await ctx.users.put(next);
  return { ok: 1 };
};

export const dropUser: Handler = async (cmd, _exact, ctx) => {
  const user = userName(cmd, 'dropUser');
  if (!(await ctx.users.remove(ctx.db, user))) {
    throw new CommandError(11, 'UserNotFound', `User '${user}@${ctx.db}' not found`);
  }
  if (ctx.auth.user?.user === user && ctx.auth.user.db === ctx.db) ctx.auth.logout();
  return { ok: 1 };
};

export const dropAllUsersFromDatabase: Handler = async (_cmd, _exact, ctx) => {
  const users = ctx.users.list(ctx.db);
  for (const u of users) await ctx.users.remove(u.db, u.user);
  return { n: users.length, ok: 1 };
};

/** usersInfo: 1 | "name" | {user, db} | [ …those ] | {forAllDBs: true}; showCredentials adds the keys. */
export const usersInfo: Handler = (cmd, _exact, ctx) => {
  const spec: unknown = cmd.usersInfo;
  let found: StoredUser[];
  if (spec === 1 || spec === true) found = ctx.users.list(ctx.db);
  else if (spec && typeof spec === 'object' && (spec as Document).forAllDBs === true) found = ctx.users.list();
  else {
    const wanted = (Array.isArray(spec) ? spec : [spec]).map((s: unknown) => {
      if (typeof s === 'string') return { user: s, db: ctx.db };
      const d = s as Document | null;
      if (d && typeof d.user === 'string' && typeof d.db === 'string') return { user: d.user, db: d.db };
      throw badValue('usersInfo must be 1, a user name, {user, db}, an array of those, or {forAllDBs: true}');
    });
    found = wanted.flatMap((w) => ctx.users.get(w.db, w.user) ?? []);
  }
  const users = found.map((u) => ({
    _id: u._id,
    userId: u.userId,
    user: u.user,
    db: u.db,
    roles: u.roles,
    mechanisms: MECHANISMS.filter((m) => u.credentials[m]),
    ...(u.customData ? { customData: u.customData } : {}),
    ...(cmd.showCredentials === true ? { credentials: u.credentials } : {}),
  }));
  return { users, ok: 1 };
};
