// Users, kept like mongod's admin.system.users: one BSON document per "<db>.<user>" in the lmdb
// `users` database, holding salted SCRAM keys per mechanism (never the password) and roles.
import { Binary, deserialize, serialize, UUID } from 'bson';
import type { Database } from 'lmdb';
import type { Storage } from '../storage.js';
import { deriveCredential, type Mechanism, type ScramCredential } from './scram.js';

export interface RoleRef {
  role: string;
  db: string;
}

export interface StoredUser {
  _id: string;
  userId: Binary;
  user: string;
  db: string;
  credentials: Partial<Record<Mechanism, ScramCredential>>;
  roles: RoleRef[];
  customData?: Record<string, unknown>;
}

export const userKey = (db: string, user: string) => `${db}.${user}`;

export function makeCredentials(
  user: string,
  password: string,
  mechanisms: readonly Mechanism[],
  digested = false,
): StoredUser['credentials'] {
  const out: StoredUser['credentials'] = {};
  for (const m of mechanisms) out[m] = deriveCredential(m, user, password, { digested });
  return out;
}

export class UserStore {
  private count: number;

  constructor(private readonly storage: Storage) {
    this.count = storage.users.getCount();
  }

  private get db(): Database<Buffer, string> {
    return this.storage.users;
  }

  /** Authentication is required as soon as one user exists (as mongod's localhost exception). */
  get any(): boolean {
    return this.count > 0;
  }

  get(db: string, user: string): StoredUser | undefined {
    const raw = this.db.get(userKey(db, user));
    return raw ? (deserialize(raw, { promoteBuffers: false }) as StoredUser) : undefined;
  }

  /** Every user of `db`, or of all databases when `db` is undefined, in _id order. */
  list(db?: string): StoredUser[] {
    const range = db === undefined ? {} : { start: `${db}.`, end: `${db}/` };
    return [...this.db.getRange(range)].map(({ value }) => deserialize(value) as StoredUser);
  }

  async put(u: Omit<StoredUser, '_id' | 'userId'> & { userId?: Binary }): Promise<StoredUser> {
    const doc: StoredUser = { ...u, _id: userKey(u.db, u.user), userId: u.userId ?? new UUID() };
    await this.storage.write(() => this.db.putSync(doc._id, Buffer.from(serialize(doc))));
    this.count = this.db.getCount();
    return doc;
  }

  async remove(db: string, user: string): Promise<boolean> {
    const removed = await this.storage.write(() => this.db.removeSync(userKey(db, user)));
    this.count = this.db.getCount();
    return removed;
  }
}
