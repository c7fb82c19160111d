// createUser / updateUser / dropUser / usersInfo with the real driver, and what the supported
// roles let a user do: readWrite on one database, read, root.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Document } from 'bson';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-db/index.js';
import { tempDir } from './helpers.js';

const OPTS = { serverSelectionTimeoutMS: 3000 };

async function code(p: Promise<unknown>): Promise<number | string | undefined> {
  return p.then(
    () => 'no error',
    (e: unknown) => (e instanceof MongoServerError ? e.code : String(e)),
  );
}

describe('embedded-db user commands', () => {
  let dataDir: string;
  let db: EmbeddedDb;
  let root: MongoClient;
  let host: string;
  const login = (user: string, pwd: string, source: string, query = '') =>
    MongoClient.connect(`mongodb://${user}:${pwd}@${host}/${source}?authSource=${source}${query}`, OPTS);

  before(async () => {
    dataDir = tempDir();
    db = await startEmbeddedDb({ dataDir, users: [{ username: 'admin', password: 'admin-pass' }] });
    host = db.url.replace('mongodb://', '').replace(/\/$/, '');
    root = await login('admin', 'admin-pass', 'admin');
  });
  after(async () => {
    await root.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates users that can log in, limited to their roles', async () => {
    const shop = root.db('shop');
    await shop.command({ createUser: 'writer', pwd: 'w-pass', roles: ['readWrite'] });
    await shop.command({ createUser: 'reader', pwd: 'r-pass', roles: [{ role: 'read', db: 'shop' }] });

    const writer = await login('writer', 'w-pass', 'shop');
    try {
      await writer.db('shop').collection('items').insertOne({ name: 'gif' });
      assert.equal(await writer.db('shop').collection('items').countDocuments(), 1);
      assert.equal(await code(writer.db('other').collection('x').findOne({})), 13, 'no role on other');
      assert.equal(await code(writer.db('shop').command({ createUser: 'x', pwd: 'y', roles: [] })), 13);
    } finally {
      await writer.close();
    }
    const reader = await login('reader', 'r-pass', 'shop');
    try {
      assert.equal(await reader.db('shop').collection('items').countDocuments(), 1);
      assert.equal(await code(reader.db('shop').collection('items').insertOne({ name: 'no' })), 13);
      const self = await reader.db('shop').command({ usersInfo: 'reader' });
      assert.equal((self.users as Document[]).length, 1, 'usersInfo on oneself needs no role');
      assert.equal(await code(reader.db('shop').command({ usersInfo: 'writer' })), 13, 'others need userAdmin');
      assert.equal(await code(reader.db('shop').command({ usersInfo: { user: 'reader', db: 'other' } })), 13);
    } finally {
      await reader.close();
    }
  });

  it('refuses a duplicate user, an unknown role and a missing password, as mongod does', async () => {
    const shop = root.db('shop');
    assert.equal(await code(shop.command({ createUser: 'writer', pwd: 'again', roles: [] })), 51003);
    assert.equal(await code(shop.command({ createUser: 'bad', pwd: 'p', roles: ['godMode'] })), 31);
    assert.equal(await code(shop.command({ createUser: 'bad', roles: [] })), 2);
  });

  it('usersInfo lists users with their mechanisms, and keys only with showCredentials', async () => {
    const info = await root.db('shop').command({ usersInfo: 1 });
    const users = info.users as Document[];
    assert.deepEqual(users.map((u) => u._id as string).sort(), ['shop.reader', 'shop.writer']);
    const writer = users.find((u) => u.user === 'writer') ?? {};
    assert.deepEqual(writer.roles, [{ role: 'readWrite', db: 'shop' }]);
    assert.deepEqual(writer.mechanisms, ['SCRAM-SHA-1', 'SCRAM-SHA-256']);
    assert.equal(writer.credentials, undefined);
    assert.equal(JSON.stringify(info).includes('w-pass'), false);

    const shown = await root.db('admin').command({ usersInfo: { user: 'writer', db: 'shop' }, showCredentials: true });
    const creds = ((shown.users as Document[])[0]?.credentials as Document)['SCRAM-SHA-256'] as Document;
    assert.equal(creds.iterationCount, 15000);
    for (const k of ['salt', 'storedKey', 'serverKey']) assert.equal(typeof creds[k], 'string', k);
    const all = await root.db('admin').command({ usersInfo: { forAllDBs: true } });
    assert.equal((all.users as Document[]).length, 3);
  });

  it('updateUser changes the password (the old one stops working) and the roles', async () => {
    const shop = root.db('shop');
    await shop.command({ updateUser: 'reader', pwd: 'r-new', roles: ['readWrite'] });
    assert.equal(await code(login('reader', 'r-pass', 'shop')), 18);
    const reader = await login('reader', 'r-new', 'shop');
    await reader.db('shop').collection('items').insertOne({ name: 'now allowed' });
    await reader.close();
    assert.equal(await code(shop.command({ updateUser: 'ghost', pwd: 'x' })), 11);
  });

  it('a SCRAM-SHA-1-only user is offered and logs in with SCRAM-SHA-1', async () => {
    await root
      .db('admin')
      .command({ createUser: 'old', pwd: 'old-pass', roles: ['root'], mechanisms: ['SCRAM-SHA-1'] });
    const old = await login('old', 'old-pass', 'admin');
    const status = await old.db('admin').command({ connectionStatus: 1 });
    assert.deepEqual((status.authInfo as Document).authenticatedUsers, [{ user: 'old', db: 'admin' }]);
    await old.close();
    assert.equal(await code(login('old', 'old-pass', 'admin', '&authMechanism=SCRAM-SHA-256')), 18);
  });

  it('listDatabases shows a user only the databases it has a role on, as mongod does', async () => {
    await root.db('shop').collection('items').insertOne({ name: 'kept' });
    await root.db('secret').collection('plans').insertOne({ name: 'hidden' });
    await root.db('shop').command({ createUser: 'lister', pwd: 'l-pass', roles: [{ role: 'read', db: 'shop' }] });
    const names = async (c: MongoClient, opts: Document = {}) =>
      ((await c.db('admin').command({ listDatabases: 1, nameOnly: true, ...opts })).databases as Document[])
        .map((d) => d.name as string)
        .sort();
    const all = await names(root);
    assert.ok(all.includes('shop') && all.includes('secret'), `root sees every database: ${all.join(', ')}`);
    assert.deepEqual(await names(root, { authorizedDatabases: true }), all, "root's role grants every database");
    const lister = await login('lister', 'l-pass', 'shop');
    try {
      assert.deepEqual(await names(lister), ['shop'], 'not the other databases, nor their names');
      assert.deepEqual(await names(lister, { authorizedDatabases: true }), ['shop']);
      assert.equal(await code(names(lister, { authorizedDatabases: false })), 13, 'asked for all: refused');
      const sized = await lister.db('admin').command({ listDatabases: 1 });
      const listed = (sized.databases as Array<{ name: string; sizeOnDisk: number }>).map((d) => d.name);
      assert.deepEqual(listed, ['shop'], 'sizes only of what it may see');
      assert.equal(sized.totalSize, (sized.databases as Array<{ sizeOnDisk: number }>)[0]?.sizeOnDisk);
    } finally {
      await lister.close();
    }
  });

  it('continues and kills a cursor only for the user who opened it, on its own namespace', async () => {
    const secret = root.db('vault');
    await secret.collection('gold').insertMany(Array.from({ length: 5 }, (_, i) => ({ bar: i })));
    await root.db('vault').command({ createUser: 'keeper', pwd: 'k-pass', roles: [{ role: 'read', db: 'vault' }] });
    await root
      .db('lobby')
      .command({ createUser: 'visitor', pwd: 'v-pass', roles: [{ role: 'readWrite', db: 'lobby' }] });
    const keeper = await login('keeper', 'k-pass', 'vault');
    const visitor = await login('visitor', 'v-pass', 'lobby');
    try {
      const opened = await keeper.db('vault').command({ find: 'gold', batchSize: 1 });
      const id = (opened.cursor as { id: unknown }).id;
      assert.ok(id, 'a cursor was left open');
      // The visitor may read its own database: naming the cursor there reaches nothing.
      const lobby = visitor.db('lobby');
      assert.equal(await code(lobby.command({ getMore: id, collection: 'gold', batchSize: 10 })), 13);
      assert.equal(
        await code(visitor.db('vault').command({ getMore: id, collection: 'gold' })),
        13,
        'no read on vault',
      );
      const killed = await lobby.command({ killCursors: 'gold', cursors: [id] });
      assert.equal((killed.cursorsKilled as unknown[]).length, 0);
      // Its own user on another collection of its database: refused too.
      assert.equal(await code(keeper.db('vault').command({ getMore: id, collection: 'silver' })), 13);
      assert.equal(await code(keeper.db('vault').command({ getMore: id })), 73, 'getMore names its collection');
      // Untouched by all that, it goes on for its owner.
      const rest = await keeper.db('vault').command({ getMore: id, collection: 'gold', batchSize: 10 });
      assert.equal((rest.cursor as { nextBatch: unknown[] }).nextBatch.length, 4);
    } finally {
      await keeper.close();
      await visitor.close();
    }
  });

  it('dropUser removes the login', async () => {
    await root.db('shop').command({ dropUser: 'writer' });
    assert.equal(await code(login('writer', 'w-pass', 'shop')), 18);
    assert.equal(await code(root.db('shop').command({ dropUser: 'writer' })), 11);
  });
});
