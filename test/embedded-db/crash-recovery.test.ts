// kill -9 while writing loses no acknowledged write, and a live owner keeps others out of the dir.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { startEmbeddedDb } from '../../src/embedded-db/index.js';
import { tempDir } from './helpers.js';

const writerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.js');

function spawnWriter(
  dataDir: string,
  mode: 'write' | 'hold',
): { child: ChildProcess; lines: string[]; ready: Promise<void> } {
  const child = spawn(process.execPath, [writerScript, '--crash-writer', dataDir, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      if (p.startsWith('ready ')) onReady();
      else if (p) lines.push(p);
    }
  });
  return { child, lines, ready };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
  );

describe('embedded-db crash safety', () => {
  it('keeps every acknowledged insert across SIGKILL', async () => {
    const dataDir = tempDir();
    try {
      for (let round = 0; round < 2; round++) {
        const { child, lines, ready } = spawnWriter(dataDir, 'write');
        await ready;
        await new Promise((r) => setTimeout(r, 1500));
        child.kill('SIGKILL');
        await exited(child);
        assert.ok(lines.length > 20, `writer acknowledged only ${lines.length} inserts`);
        const db = await startEmbeddedDb({ dataDir });
        const client = await MongoClient.connect(db.url);
        try {
          const ids = new Set(
            (
              await client
                .db('crash')
                .collection('docs')
                .find({}, { projection: { _id: 1 } })
                .toArray()
            ).map((d) => String(d._id)),
          );
          const missing = lines.filter((id) => !ids.has(id));
          assert.deepEqual(
            missing,
            [],
            `round ${round}: ${missing.length} acknowledged ids missing of ${lines.length}`,
          );
        } finally {
          await client.close();
          await db.close();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a data dir held by another live process with a clear error', async () => {
    const dataDir = tempDir();
    const { child, ready } = spawnWriter(dataDir, 'hold');
    try {
      await ready;
      await assert.rejects(startEmbeddedDb({ dataDir }), (e: Error) => {
        assert.match(e.message, new RegExp(`data dir .* is in use by another process \\(pid ${child.pid}\\)`));
        return true;
      });
    } finally {
      child.kill('SIGKILL');
      await exited(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
