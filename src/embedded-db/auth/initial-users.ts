// The users a server is started with (EMBEDDED_DB_USERNAME/PASSWORD, the app's generated
// credentials): created in the admin database with the root role, or brought up to date when
// their password changed. An unchanged user is left as it is (same salt, same userId).
import { credentialMatches, MECHANISMS } from './scram.js';
import { makeCredentials, type UserStore } from './user-store.js';

export interface InitialUser {
  username: string;
  password: string;
}

const ROOT = [{ role: 'root', db: 'admin' }];

export async function ensureUsers(
  store: UserStore,
  users: readonly InitialUser[],
  log: (line: string) => void,
): Promise<void> {
  for (const { username, password } of users) {
    const existing = store.get('admin', username);
    const unchanged =
      existing?.roles.some((r) => r.role === 'root' && r.db === 'admin') &&
      MECHANISMS.every((m) => {
        const cred = existing.credentials[m];
        return cred !== undefined && credentialMatches(m, cred, username, password);
      });
    if (unchanged) continue;
    await store.put({
      user: username,
      db: 'admin',
      credentials: makeCredentials(username, password, MECHANISMS),
      roles: ROOT,
      ...(existing ? { userId: existing.userId } : {}),
      ...(existing?.customData ? { customData: existing.customData } : {}),
    });
    log(`${existing ? 'updated' : 'created'} user ${JSON.stringify(username)} in admin (role root)`);
  }
}
