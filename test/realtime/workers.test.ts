// WORKERS=2 as `npm start` runs it: real processes (the cluster primary, which runs the embedded
// database, and its two workers on one port) and a private redis-server. Every request and
// socket says which worker answered (X-Instance: its pid).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ask, exitOf, isAlive, socketOnEachWorker, startCluster, type TestCluster } from '../helpers/cluster.js';
import { freePort, startApp, stopProcess } from '../helpers/processes.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

/** The workers that answer `count` requests, each on a new connection. */
async function answeringWorkers(url: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await ask(`${url}/healthz`);
    assert.equal(res.status, 200, res.body);
    seen.add(res.instance);
  }
  return [...seen].sort();
}

const sorted = (pids: number[]) => pids.map(String).sort();

describe('WORKERS=2: two worker processes on one port', { concurrency: false }, () => {
  let redis: TestRedis;
  let dataDir: string;
  let app: TestCluster;
  const sockets: TestSocket[] = [];

  before(async () => {
    redis = await startRedis();
    dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-workers-'));
    // No MONGO_URL and no COOKIE_SECRET: the primary runs the database and makes the secret.
    app = await startCluster(dataDir, 2, { REDIS_URL: redis.url, COOKIE_SECRET: undefined });
  });

  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await stopProcess(app.child);
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the lobby and /healthz from both workers, on the database and secret the primary made', async () => {
    const pids = app.workerPids();
    assert.equal(pids.length, 2);
    assert.ok(!pids.includes(app.child.pid!), 'the primary serves nothing itself');
    assert.deepEqual(await answeringWorkers(app.url, 6), sorted(pids));
    const lobby = await ask(`${app.url}/`);
    assert.equal(lobby.status, 200);
    assert.match(lobby.body, /<html/i);
    assert.ok(existsSync(path.join(dataDir, 'cookie-secret')), 'the generated secret is kept in DATA_DIR');
    assert.ok(existsSync(path.join(dataDir, 'embedded-db')), 'the database keeps its data in DATA_DIR');
  });

  it('one visitor chats through a socket on each worker (one session, one secret), and each hears the other', async () => {
    const visitor = await Visitor.create(app.url);
    const roomId = await visitor.createRoom('two workers');
    const byWorker = await socketOnEachWorker(visitor, 2);
    assert.deepEqual([...byWorker.keys()].sort(), sorted(app.workerPids()));
    sockets.push(...byWorker.values());
    for (const socket of byWorker.values()) await socket.join(roomId);
    for (const [pid, socket] of byWorker) {
      socket.send({ type: 'chat', roomId, text: `hello from ${pid}`, clientId: `c${pid}` });
      const ack = await socket.next('ack', (f) => f.clientId === `c${pid}`);
      const echo = await socket.next('message', (f) => f.message.clientId === `c${pid}`);
      assert.equal(echo.message.id, ack.id);
      assert.equal(echo.message.text, `hello from ${pid}`);
      // The socket on the other worker receives it too, through Redis.
      for (const [otherPid, other] of byWorker) {
        if (otherPid === pid) continue;
        const heard = await other.next('message', (f) => f.message.clientId === `c${pid}`);
        assert.equal(heard.message.id, ack.id);
      }
    }
    // Both messages are stored in the one database, whichever worker took them.
    const texts = (await visitor.history(roomId)).messages.filter((m) => m.kind === 'chat').map((m) => m.text);
    assert.deepEqual(
      texts.sort(),
      sorted(app.workerPids()).map((pid) => `hello from ${pid}`),
    );
  });

  it('a worker killed with kill -9 is started again; the port keeps serving meanwhile', async () => {
    const [victim, survivor] = app.workerPids() as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitFor(() => app.output().includes(`(pid ${victim}) exited (signal SIGKILL)`), 5000, 'the exit line');
    // The next connections go to the live worker (or its new sibling), never to a dead one.
    for (let i = 0; i < 4; i++) {
      const res = await ask(`${app.url}/healthz`);
      assert.equal(res.status, 200);
      assert.notEqual(res.instance, String(victim));
    }
    await waitFor(() => app.workerPids().length === 3, 10_000, 'a new worker');
    const replacement = app.workerPids()[2]!;
    assert.deepEqual(await answeringWorkers(app.url, 6), sorted([survivor, replacement]));
  });

  it('SIGTERM stops both workers, then the database, and exits 0 leaving no process behind', async () => {
    const workers = app.workerPids().filter(isAlive);
    assert.equal(workers.length, 2);
    const started = Date.now();
    app.child.kill('SIGTERM');
    assert.equal(await exitOf(app.child), 0, app.output());
    assert.ok(Date.now() - started < 10_000, 'within the 10 s limit');
    for (const pid of workers) {
      assert.ok(!isAlive(pid), `worker ${pid} is gone`);
      assert.match(app.output(), new RegExp(`\\(pid ${pid}\\) exited \\(code 0\\)`));
    }
  });
});

describe('WORKERS that cannot run', { concurrency: true }, () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-workers-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('more than one worker without REDIS_URL: exit 1, saying what to set', async () => {
    await assert.rejects(
      startApp(await tempDir(), { WORKERS: '2', REDIS_URL: '' }),
      /exited with 1 before it was ready:\n.*WORKERS=2 .*share rooms, presence and limits only through Redis: set REDIS_URL/,
    );
  });

  it('WORKERS that is not a count is a configuration error', async () => {
    await assert.rejects(startApp(await tempDir(), { WORKERS: 'abc' }), /exited with 1[^]*WORKERS: must be a number/);
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    for (const bad of ['0', '-1', '2.5', '257'])
      assert.throws(() => loadConfig({ WORKERS: bad, ...redis }), ConfigError, bad);
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ WORKERS: '' }).workers, 1);
    assert.equal(loadConfig({ WORKERS: '1' }).workers, 1, 'one worker needs no Redis');
    assert.equal(loadConfig({ WORKERS: ' 3 ', ...redis }).workers, 3);
    assert.equal(loadConfig({ WORKERS: 'auto', ...redis }).workers, availableParallelism());
  });

  it('workers that keep failing to start: the primary gives up with exit 1 and leaves nothing running', async () => {
    const dataDir = await tempDir();
    // UPLOAD_DIR under a plain file: every worker fails at once (the primary never touches it).
    await writeFile(path.join(dataDir, 'file'), '');
    const redisPort = await freePort();
    const failing = startApp(dataDir, {
      WORKERS: '2',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      UPLOAD_DIR: path.join(dataDir, 'file', 'up'),
    });
    const err = await failing.then(
      () => assert.fail('the cluster started'),
      (e: unknown) => e as Error,
    );
    assert.match(err.message, /exited with 1 before it was ready/);
    assert.match(err.message, /3 starts in a row failed, giving up/);
    const pids = [...err.message.matchAll(/\(pid (\d+)\) exited/g)].map((m) => Number(m[1]));
    assert.ok(pids.length >= 3, err.message);
    for (const pid of pids) assert.ok(!isAlive(pid), `worker ${pid} is gone`);
  });
});
