// Child process for crash tests (does nothing unless given --crash-writer): starts the embedded
// server on a data dir and inserts documents forever, printing each acknowledged _id.
import { MongoClient } from 'mongodb';
import { startEmbeddedDb } from '../../src/embedded-db/index.js';

async function main(dataDir: string, mode: string): Promise<void> {
  const db = await startEmbeddedDb({ dataDir, port: 0 });
  process.stdout.write(`ready ${db.port}\n`);
  if (mode === 'hold') {
    setInterval(() => undefined, 1000);
    return;
  }
  const client = await MongoClient.connect(db.url);
  const coll = client.db('crash').collection<{ _id: string; seq: number; pad: string }>('docs');
  // Several concurrent writers, so acknowledgements arrive from grouped commits too.
  let seq = 0;
  const writer = async (w: number) => {
    for (;;) {
      const _id = `p${process.pid}-w${w}-${seq++}`;
      await coll.insertOne({ _id, seq, pad: 'x'.repeat(200) });
      process.stdout.write(`${_id}\n`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
}

const [flag, dataDir, mode = 'write'] = process.argv.slice(2);
if (flag === '--crash-writer' && dataDir) {
  main(dataDir, mode).catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  });
}
