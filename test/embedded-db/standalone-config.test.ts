// `npm run db` reads the same configuration as the app (src/config.ts, which loads .env from the
// working directory), so the standalone database and the app open the same DATA_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { freePort, startProcess, stopProcess } from '../helpers/processes.js';
import { tempDir } from './helpers.js';

const DB_READY = /mongodb:\/\/(\S+):(\d+)\//;
// Variables the test runner may have set: they would override the .env under test.
const UNSET = {
  DATA_DIR: undefined,
  EMBEDDED_DB_PORT: undefined,
  EMBEDDED_DB_HOST: undefined,
  EMBEDDED_DB_USERNAME: undefined,
  EMBEDDED_DB_PASSWORD: undefined,
};

describe('npm run db configuration', () => {
  it('listens on EMBEDDED_DB_PORT and stores under DATA_DIR from .env in its working directory', async () => {
    const cwd = tempDir('embedded-db-standalone-');
    const port = await freePort();
    fs.writeFileSync(
      path.join(cwd, '.env'),
      `DATA_DIR=./from-dotenv\nEMBEDDED_DB_PORT=${port}\nEMBEDDED_DB_HOST=127.0.0.1\n`,
    );
    const run = () => startProcess('embedded-db/main.js', UNSET, DB_READY, { cwd });
    let db = await run();
    try {
      assert.equal(db.match[2], String(port), db.output());
      const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 5000 });
      await client
        .db('cfg')
        .collection('c')
        .insertOne({ _id: 'kept' as never });
      await client.close();
      assert.ok(fs.existsSync(path.join(cwd, 'from-dotenv', 'embedded-db')), 'data under DATA_DIR from .env');
      assert.ok(!fs.existsSync(path.join(cwd, 'data')), 'nothing in the default ./data');

      // The same folder again after a restart: the document is still there.
      await stopProcess(db.child, 'SIGTERM');
      db = await run();
      const again = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 5000 });
      assert.equal(
        await again
          .db('cfg')
          .collection('c')
          .countDocuments({ _id: 'kept' as never }),
        1,
      );
      await again.close();
    } finally {
      await stopProcess(db.child);
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  /** What `npm run db` says when started in a directory whose .env holds `env`. */
  async function refusal(env: string): Promise<string> {
    const cwd = tempDir('embedded-db-standalone-');
    fs.writeFileSync(path.join(cwd, '.env'), env);
    try {
      return await startProcess('embedded-db/main.js', UNSET, DB_READY, { cwd }).then(
        async (db) => {
          await stopProcess(db.child);
          return `started anyway: ${db.output()}`;
        },
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }

  it('refuses an invalid EMBEDDED_DB_PORT with a clear message', async () => {
    assert.match(await refusal('EMBEDDED_DB_PORT=not-a-port\n'), /invalid configuration[\s\S]*EMBEDDED_DB_PORT/);
  });

  it('refuses EMBEDDED_DB_USERNAME without EMBEDDED_DB_PASSWORD', async () => {
    assert.match(
      await refusal('EMBEDDED_DB_PORT=0\nEMBEDDED_DB_USERNAME=root\n'),
      /invalid configuration[\s\S]*EMBEDDED_DB_PASSWORD: set both/,
    );
  });
});
