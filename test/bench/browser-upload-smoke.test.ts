// The browser-load and upload-memory benches at a tiny size: each runs end to end against the
// real server and writes its JSON in the shape the README's figures come from. They check that
// the page handled every chat and that every upload went through, never how fast or how much.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { skipBrowserTests } from '../helpers/browser.js';

const run = promisify(execFile);
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');

async function runBench(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await mkdtemp(path.join(tmpdir(), 'gifchat-bench-smoke-'));
  try {
    await run(process.execPath, [path.join(benchDir, script)], {
      env: { ...process.env, ...env, BENCH_OUT: out },
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const json = script === 'browser-load.js' ? 'browser-load.json' : 'upload-memory.json';
    return JSON.parse(await readFile(path.join(out, json), 'utf8')) as Record<string, unknown>;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

it(
  'browser-load: the page handles every chat sent and reports frames and DOM size',
  { skip: skipBrowserTests },
  async () => {
    const json = await runBench('browser-load.js', { BROWSER_BENCH_FILL: '120', BROWSER_BENCH_SECONDS: '1' });
    assert.equal(json.messages_sent, 50);
    assert.equal(json.messages_handled, 50);
    for (const key of ['frame_p50_ms', 'frame_p99_ms', 'total_blocking_ms', 'handle_p99_ms', 'dom_nodes_end'])
      assert.equal(typeof json[key], 'number', key);
    assert.ok((json.dom_messages_start as number) >= 120, 'the page scrolled up through the history');
  },
);

it('upload-memory: each kind of GIF is uploaded and its memory reported', async () => {
  const json = await runBench('upload-memory.js', { UPLOAD_BENCH_MB: '0.5' });
  const uploads = json.uploads as Array<Record<string, unknown>>;
  assert.deepEqual(
    uploads.map((u) => u.kind),
    ['filler', 'frames'],
  );
  for (const u of uploads) {
    // A "frames" GIF is a whole number of frames: within one frame (~150 KB) of the size asked.
    assert.ok((u.file_mb as number) > 0.3, `${String(u.kind)}: about half a MB`);
    for (const key of ['heap_after_gc_mb', 'peak_rss_mb', 'rss_after_gc_mb']) assert.ok((u[key] as number) > 0, key);
  }
});
