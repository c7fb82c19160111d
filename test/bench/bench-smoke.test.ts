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
      timeout: 170_000,
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
      scaleout: ['members', 'offered_chats_per_s', 'offered_deliveries_per_s'],
    };
    for (const [section, keys] of Object.entries(shape)) {
      for (const key of keys) {
        // The run's own lines for that section say why (a window with no samples, say).
        const lines = stdout.split('\n').filter((l) => l.includes(section === 'fanout' ? 'fan-out' : section));
        assert.equal(typeof json[section]?.[key], 'number', `${section}.${key} is a number\n${lines.join('\n')}`);
      }
    }
    for (const server of ['us', 'socketio', 'ws'])
      assert.ok((json.fanout![server] as number) > 0, `${server} delivered`);
    // One round at tiny scale, and that round's figure is the one reported.
    assert.equal(json.fanout!.rounds, 1);
    for (const server of ['us', 'socketio', 'ws'])
      assert.deepEqual(json.fanout![`${server}_runs`], [json.fanout![server]], `${server}: every round kept`);
    // Latency at equal loads: one offered load for all three, each measured (numbers, not null).
    for (const key of ['equal_load', 'equal_load_fixed']) {
      const at = json.fanout![key] as Record<string, number> | null;
      assert.ok(at, `fanout.${key} is reported`);
      assert.ok((at.deliveries_per_s ?? 0) > 0, `${key}: an offered load`);
      for (const server of ['us', 'socketio', 'ws'])
        assert.equal(typeof at[`${server}_p99_ms`], 'number', `${key}: ${server}`);
    }
    // The breakdown: each latency window of gif-chat counted the messages it carried through every
    // stage, the database's commits among them, beside the disk's own fdatasync times.
    const breakdown = json.latency_breakdown as unknown as {
      disk_fdatasync: { p50_ms: number; samples: number };
      windows: Array<{ deliveries_per_s: number; stages: Record<string, { count: number; p50: number }> }>;
    };
    assert.ok(breakdown.disk_fdatasync.samples > 0 && breakdown.disk_fdatasync.p50_ms > 0, 'the disk was timed');
    assert.equal(breakdown.windows.length, 3, 'half own saturation and both equal loads');
    for (const w of breakdown.windows) {
      for (const stage of ['handle', 'queued', 'commit', 'dbCommit', 'fanout', 'flush']) {
        assert.ok((w.stages[stage]?.count ?? 0) > 0, `${w.deliveries_per_s}/s: ${stage} counted`);
      }
      assert.ok(
        w.stages.commit!.p50 >= w.stages.dbCommit!.p50 * 0.5,
        'the app waits at least about as long as the db commits',
      );
    }
    assert.match(stdout, /\| flush: /);
    assert.ok((json.persist!.msgs_per_s as number) > 0, 'messages were persisted');
    // History: each timed path of database reads says where its time went; the database counted
    // as many read commands as pages were read (each page is one read when its place is known).
    const where = json.history!.breakdown as Record<string, Record<string, number | null>>;
    for (const path of ['read', 'before_mid', 'scroll_back']) {
      const b = where[path]!;
      assert.ok(
        (b.db_mean_ms ?? 0) > 0 && (b.db_p99_ms ?? 0) >= (b.db_mean_ms ?? 0) * 0.5,
        `${path}: ${JSON.stringify(b)}`,
      );
      for (const key of ['app_gc_ms_per_read', 'db_gc_ms_per_read'])
        assert.equal(typeof b[key], 'number', `${path}.${key}`);
      if (process.platform === 'linux') assert.equal(typeof b.db_cpu_wait_ms_per_read, 'number', `${path}: cpu wait`);
    }
    // Scale-out: every configuration ran and counted what arrived against what was expected; two
    // instances of Socket.IO and of gif-chat each deliver every chat, half of them across instances.
    const scaleout = json.scaleout as Record<string, Record<string, number>>;
    for (const name of ['us_1', 'us_1_redis', 'us_2_redis', 'socketio_1', 'socketio_1_redis', 'socketio_2_redis']) {
      const r = scaleout[name];
      assert.ok(r, `scaleout.${name} is reported`);
      assert.ok(
        r.delivered! > 0 && r.delivered! <= r.expected_deliveries!,
        `${name}: ${r.delivered} of ${r.expected_deliveries}`,
      );
      assert.equal(typeof r.cpu_us_per_delivery, 'number', `${name}: CPU per delivery`);
    }
    const sio = scaleout.socketio_2_redis!;
    assert.equal(sio.delivered, sio.expected_deliveries, 'Socket.IO over its Redis adapter delivers every chat');
    assert.ok(sio.cross_instance_delivered! > 0, 'and the harness counts deliveries that crossed instances');
    for (const name of ['us_1', 'us_2_redis']) {
      const r = scaleout[name]!;
      assert.equal(r.delivered, r.expected_deliveries, `${name}: gif-chat delivers every chat`);
    }
    assert.ok(scaleout.us_2_redis!.cross_instance_delivered! > 0, "gif-chat's deliveries cross instances");
    assert.match(stdout, /\| Socket\.IO, 2 instances, redis-adapter \|/);
    const md = (await readdir(out)).find((f) => f.endsWith('.md'));
    assert.ok(md, 'a markdown results file');
    assert.match(await readFile(path.join(out, md), 'utf8'), /- mid-room page, its place given: [\d.]+ \/ [\d.]+ · /);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
