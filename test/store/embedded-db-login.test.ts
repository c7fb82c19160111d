// The app on its own embedded database logs in with credentials it generated under DATA_DIR
// (mode 0600): another local process that finds the loopback port, but cannot read the file, is
// refused. A data dir from before the login existed keeps its data and gets the user.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedDb } from '../../src/embedded-db/index.js';
import { CREDENTIALS_FILE } from '../../src/store/embedded-db-credentials.js';
import { startApp, stopProcess } from '../helpers/processes.js';
import { tempDir } from '../embedded-db/helpers.js';

const OPTS = { serverSelectionTimeoutMS: 3000 };

describe('the app on its embedded database', { skip: process.env.TEST_MONGO_URL ? 'embedded only' : false }, () => {
  it('logs in with generated credentials; a client without them is refused', async () => {
    const dataDir = tempDir('gifchat-login-');
    // A data dir from before: data, no users, no credentials file.
    const old = await startEmbeddedDb({ dataDir });
    assert.equal(old.authRequired, false, 'no users: open, as before');
    const oldClient = await MongoClient.connect(old.url, OPTS);
    await oldClient.db('gifchat').collection('legacy').insertOne({ kept: true });
    await oldClient.close();
    await old.close();

    const app = await startApp(dataDir);
    try {
      const port = /\(mongodb:\/\/127\.0\.0\.1:(\d+)\/\)/.exec(app.output())?.[1];
      assert.ok(port, app.output());
      const file = path.join(dataDir, CREDENTIALS_FILE);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const creds = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string };
      assert.ok(!app.output().includes(creds.password), 'the password is not printed');

      const stranger = await MongoClient.connect(`mongodb://127.0.0.1:${port}/gifchat`, OPTS);
      try {
        for (const coll of ['sessions', 'users', 'messages']) {
          const e: unknown = await stranger
            .db()
            .collection(coll)
            .findOne({})
            .catch((err: unknown) => err);
          assert.ok(e instanceof MongoServerError && e.code === 13, `${coll}: ${String(e)}`);
        }
      } finally {
        await stranger.close();
      }
      const wrong = await MongoClient.connect(
        `mongodb://gifchat:guess@127.0.0.1:${port}/gifchat?authSource=admin`,
        OPTS,
      )
        .then(() => 'connected')
        .catch((e: unknown) => (e instanceof MongoServerError ? e.code : String(e)));
      assert.equal(wrong, 18);

      const owner = await MongoClient.connect(
        `mongodb://${creds.username}:${creds.password}@127.0.0.1:${port}/gifchat?authSource=admin`,
        OPTS,
      );
      try {
        assert.ok(await owner.db().collection('legacy').findOne({ kept: true }), 'old data still there');
        const names = (await owner.db().listCollections().toArray()).map((c) => c.name);
        assert.ok(names.includes('sessions'), `the app created its collections: ${names.join(', ')}`);
      } finally {
        await owner.close();
      }
    } finally {
      await stopProcess(app.child, 'SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
