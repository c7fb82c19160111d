// SCRAM authentication on the embedded server with the real driver (and, for what a driver never
// sends, a raw wire client): both mechanisms, wrong and missing credentials, the closing of a
// connection that keeps failing, the once-per-name log of refusals, users kept across restarts
// and never stored as passwords.
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Binary, type Document } from 'bson';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-db/index.js';
import { tempDir } from './helpers.js';
import { expectClosed, RawClient } from './raw-wire.js';

const USER = 'root';
const PASSWORD = 'nodejsbook';
const OPTS = { serverSelectionTimeoutMS: 3000 };

function hostOf(db: EmbeddedDb): string {
  return db.url.replace('mongodb://', '').replace(/\/$/, '');
}

async function refusal(p: Promise<unknown>): Promise<MongoServerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof MongoServerError, `expected a server error, got ${String(e)}`);
  return e;
}

/** A SCRAM-SHA-256 client by hand, for the exchange without skipEmptyExchange. */
async function rawScramSha256(c: RawClient, user: string, password: string): Promise<Document[]> {
  const nonce = randomBytes(24).toString('base64');
  const bare = `n=${user},r=${nonce}`;
  const first = await c.command({
    saslStart: 1,
    mechanism: 'SCRAM-SHA-256',
    payload: new Binary(Buffer.from(`n,,${bare}`)),
    $db: 'admin',
  });
  if (first.ok !== 1) return [first];
  const serverFirst = Buffer.from((first.payload as Binary).buffer).toString();
  const attrs = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)])) as Record<string, string>;
  const salted = pbkdf2Sync(password, Buffer.from(attrs.s ?? '', 'base64'), Number(attrs.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.r}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0))).toString('base64');
  const second = await c.command({
    saslContinue: 1,
    conversationId: first.conversationId as number,
    payload: new Binary(Buffer.from(`${withoutProof},p=${proof}`)),
    $db: 'admin',
  });
  if (second.ok !== 1) return [first, second];
  const third = await c.command({
    saslContinue: 1,
    conversationId: first.conversationId as number,
    payload: new Binary(Buffer.alloc(0)),
    $db: 'admin',
  });
  return [first, second, third];
}

describe('embedded-db authentication', () => {
  let dataDir: string;
  let db: EmbeddedDb;
  const logs: string[] = [];

  before(async () => {
    dataDir = tempDir();
    db = await startEmbeddedDb({
      dataDir,
      users: [{ username: USER, password: PASSWORD }],
      onLog: (line) => logs.push(line),
    });
  });
  after(async () => {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1', undefined]) {
    it(`logs in with ${mechanism ?? 'the default mechanism'} and works`, async () => {
      const query = `authSource=admin${mechanism ? `&authMechanism=${mechanism}` : ''}`;
      const client = await MongoClient.connect(`mongodb://${USER}:${PASSWORD}@${hostOf(db)}/app?${query}`, OPTS);
      try {
        const coll = client.db().collection('things');
        await coll.insertOne({ mechanism: mechanism ?? 'default' });
        assert.ok(await coll.findOne({ mechanism: mechanism ?? 'default' }));
        const status = await client.db('admin').command({ connectionStatus: 1 });
        assert.deepEqual((status.authInfo as Document).authenticatedUsers, [{ user: USER, db: 'admin' }]);
      } finally {
        await client.close();
      }
    });
  }

  it('answers a wrong password or an unknown user with 18 AuthenticationFailed', async () => {
    for (const login of [`${USER}:wrong`, `nobody:${PASSWORD}`]) {
      const e = await refusal(MongoClient.connect(`mongodb://${login}@${hostOf(db)}/app?authSource=admin`, OPTS));
      assert.equal(e.code, 18, e.message);
      assert.equal(e.codeName, 'AuthenticationFailed');
    }
  });

  it('refuses everything but the handshake without a login: 13 Unauthorized', async () => {
    const client = await MongoClient.connect(`mongodb://${hostOf(db)}/app`, OPTS);
    try {
      const e = await refusal(client.db().collection('things').findOne({}));
      assert.equal(e.code, 13);
      assert.equal(e.codeName, 'Unauthorized');
      assert.match(e.message, /find requires authentication/);
      for (const op of [
        () => client.db().collection('things').insertOne({ x: 1 }),
        () => client.db().listCollections().toArray(),
        () => client.db('admin').command({ listDatabases: 1 }),
        () => client.db('admin').command({ usersInfo: 1 }),
      ]) {
        assert.equal((await refusal(op())).code, 13);
      }
      assert.equal((await client.db().command({ ping: 1 })).ok, 1);
      assert.equal((await client.db().command({ buildInfo: 1 })).ok, 1);
    } finally {
      await client.close();
    }
  });

  it('logs each refused or unknown command name once, with the client address', async () => {
    const client = await MongoClient.connect(`mongodb://${hostOf(db)}/app`, OPTS);
    try {
      for (let i = 0; i < 3; i++) await refusal(client.db().command({ count: 'things' }));
      await refusal(client.db().command({ noSuchCommand: 1 }));
      await refusal(client.db().command({ noSuchCommand: 1 }));
    } finally {
      await client.close();
    }
    const counted = logs.filter((l) => l.includes('"count"'));
    assert.equal(counted.length, 1, logs.join('\n'));
    assert.match(counted[0] ?? '', /unauthenticated command refused: "count" from 127\.0\.0\.1:\d+/);
    assert.equal(logs.filter((l) => /unknown command "noSuchCommand" from 127\.0\.0\.1:\d+/.test(l)).length, 1);
  });

  it('completes the exchange without skipEmptyExchange (three round trips) on a raw connection', async () => {
    const c = await RawClient.connect(db.port);
    try {
      const replies = await rawScramSha256(c, USER, PASSWORD);
      assert.deepEqual(
        replies.map((r): unknown[] => [r.ok, r.done]),
        [
          [1, false],
          [1, false],
          [1, true],
        ],
      );
      assert.match(Buffer.from((replies[1]?.payload as Binary).buffer).toString(), /^v=/);
      const found = await c.command({ find: 'things', filter: {}, $db: 'app' });
      assert.equal(found.ok, 1, JSON.stringify(found));
      // A finished conversation cannot be continued.
      const conversationId: unknown = replies[0]?.conversationId;
      const again = await c.command({ saslContinue: 1, conversationId, $db: 'admin' });
      assert.equal(again.code, 17);
      await c.command({ logout: 1, $db: 'admin' });
      assert.equal((await c.command({ find: 'things', filter: {}, $db: 'app' })).code, 13, 'logged out');
    } finally {
      c.socket.destroy();
    }
  });

  it('answers saslSupportedMechs and a speculative saslStart in hello, as mongod does', async () => {
    const c = await RawClient.connect(db.port);
    try {
      const start = {
        saslStart: 1,
        mechanism: 'SCRAM-SHA-256',
        payload: new Binary(Buffer.from(`n,,n=${USER},r=${randomBytes(24).toString('base64')}`)),
        db: 'admin',
      };
      const reply = await c.command({
        hello: 1,
        saslSupportedMechs: `admin.${USER}`,
        speculativeAuthenticate: start,
        $db: 'admin',
      });
      assert.deepEqual(reply.saslSupportedMechs, ['SCRAM-SHA-1', 'SCRAM-SHA-256']);
      const spec = reply.speculativeAuthenticate as Document;
      assert.equal(spec.done, false);
      assert.match(Buffer.from((spec.payload as Binary).buffer).toString(), /^r=.+,s=.+,i=15000$/);
      const unknown = await c.command({ hello: 1, saslSupportedMechs: 'admin.nobody', $db: 'admin' });
      assert.equal(unknown.saslSupportedMechs, undefined);
    } finally {
      c.socket.destroy();
    }
  });

  it('closes a connection after 5 failed logins', async () => {
    const c = await RawClient.connect(db.port);
    for (let i = 1; i <= 5; i++) {
      const [first, second] = await rawScramSha256(c, USER, `guess-${i}`);
      assert.equal(first?.ok, 1);
      assert.equal(second?.code, 18, `try ${i}`);
    }
    await expectClosed(c);
    assert.ok(logs.some((l) => /closing connection \d+ from 127\.0\.0\.1:\d+: 5 failed authentications/.test(l)));
  });

  it('keeps users (not passwords) across restarts: a restart without the users option still requires a login', async () => {
    await db.close();
    const files = fs.readdirSync(path.join(dataDir, 'embedded-db')).map((f) => path.join(dataDir, 'embedded-db', f));
    const bytes = Buffer.concat(files.filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f)));
    const md5 = createHash('md5').update(`${USER}:mongo:${PASSWORD}`).digest('hex');
    assert.equal(bytes.indexOf(PASSWORD), -1, 'the password is not stored');
    assert.equal(bytes.indexOf(md5), -1, 'nor its SCRAM-SHA-1 digest');
    assert.notEqual(bytes.indexOf('SCRAM-SHA-256'), -1, 'the user is stored');

    db = await startEmbeddedDb({ dataDir, onLog: (line) => logs.push(line) });
    assert.equal(db.authRequired, true);
    const anonymous = await MongoClient.connect(`mongodb://${hostOf(db)}/app`, OPTS);
    assert.equal((await refusal(anonymous.db().collection('things').findOne({}))).code, 13);
    await anonymous.close();
    const client = await MongoClient.connect(`mongodb://${USER}:${PASSWORD}@${hostOf(db)}/app?authSource=admin`, OPTS);
    assert.equal(await client.db().collection('things').countDocuments(), 3);
    await client.close();
  });

  it('gives a started user a new password when it changed, and the old one stops working', async () => {
    await db.close();
    db = await startEmbeddedDb({ dataDir, users: [{ username: USER, password: 'changed' }] });
    const e = await refusal(MongoClient.connect(`mongodb://${USER}:${PASSWORD}@${hostOf(db)}/?authSource=admin`, OPTS));
    assert.equal(e.code, 18);
    const client = await MongoClient.connect(`mongodb://${USER}:changed@${hostOf(db)}/?authSource=admin`, OPTS);
    await client.close();
  });
});
