// The benchmark at its tiny scale: every scenario runs against all three servers and writes
// latest.json in the agreed shape. It checks that things were delivered, never how fast.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';

const run = promisify(execFile);
const benchRun = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/run.js');

it('runs the bench at tiny scale and writes latest-tiny.json in the shape of latest.json', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'gifchat-bench-smoke-'));
  try {
    const { stdout } = await run(process.execPath, [benchRun], {
      env: { ...process.env, BENCH_SCALE: 'tiny', BENCH_OUT: out },
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    assert.match(stdout, /\| Fan-out/);
    const json = JSON.parse(await readFile(path.join(out, 'latest-tiny.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const shape = {
      fanout: ['us', 'socketio', 'ws', 'p99_ms', 'us_cpu_us_per_delivery'],
      idle: ['heap_kb_per_conn', 'rss_kb_per_conn', 'socketio_heap_kb_per_conn'],
      persist: ['msgs_per_s'],
      history: ['p50_ms', 'p99_ms'],
      upload: ['peak_rss_mb_delta'],
    };
    for (const [section, keys] of Object.entries(shape)) {
      for (const key of keys) assert.equal(typeof json[section]?.[key], 'number', `${section}.${key} is a number`);
    }
    for (const server of ['us', 'socketio', 'ws'])
      assert.ok((json.fanout![server] as number) > 0, `${server} delivered`);
    assert.ok((json.persist!.msgs_per_s as number) > 0, 'messages were persisted');
    assert.ok(
      (await readdir(out)).some((f) => f.endsWith('.md')),
      'a markdown results file',
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
