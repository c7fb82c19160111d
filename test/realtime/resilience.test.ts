// The database going away and coming back, and the server being killed: no acknowledged message
// is lost or duplicated, and the server keeps running.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort, startApp, startProcess, stopProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

const DB_READY = /mongodb:\/\/\S+/;
/** `npm run crash-loop` sets more; one round keeps `npm test` short. */
const KILL_ROUNDS = Number(process.env.KILL_ROUNDS ?? 1);

describe('resilience', () => {
  it('survives a database outage: unavailable errors and 503s, then recovers by itself', async () => {
    const dbDir = await mkdtemp(path.join(tmpdir(), 'gifchat-outage-'));
    const port = await freePort();
    const dbEnv = { EMBEDDED_DB_PORT: String(port), DATA_DIR: dbDir };
    let db = (await startProcess('embedded-db/main.js', dbEnv, DB_READY)).child;
    const srv = await startTestServer({ MONGO_URL: `mongodb://127.0.0.1:${port}/gifchat` });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('outage');
      const ws = await a.socket(srv.wsUrl);
      await ws.join(roomId);
      ws.send({ type: 'chat', roomId, text: 'before', clientId: 'before' });
      await ws.next('ack');

      await stopProcess(db);
      ws.send({ type: 'chat', roomId, text: 'during', clientId: 'during' });
      const err = await ws.next('error', () => true, 15_000);
      assert.equal(err.code, 'unavailable');
      assert.equal(err.clientId, 'during');
      await waitFor(async () => (await fetch(`${srv.baseUrl}/readyz`)).status === 503, 20_000, '/readyz 503');
      const page = await a.fetch(`/room/${roomId}/messages`);
      assert.equal(page.status, 503);

      db = (await startProcess('embedded-db/main.js', dbEnv, DB_READY)).child;
      await waitFor(async () => (await fetch(`${srv.baseUrl}/readyz`)).status === 200, 30_000, '/readyz 200');
      ws.send({ type: 'chat', roomId, text: 'during', clientId: 'during' });
      await ws.next('ack', () => true, 10_000);
      const after = await a.history(roomId);
      assert.deepEqual(
        after.messages.filter((m) => m.kind === 'chat').map((m) => m.text),
        ['before', 'during'],
      );
      ws.close();
    } finally {
      await srv.close();
      await stopProcess(db);
      await rm(dbDir, { recursive: true, force: true });
    }
  });

  it(`kill -9 of the server loses no acknowledged message (${KILL_ROUNDS} round${KILL_ROUNDS === 1 ? '' : 's'})`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-kill9-'));
    // One port for every restart: the visitor's page (its Origin) stays the same.
    const port = String(await freePort());
    const start = () => startApp(dataDir, { PORT: port });
    let server = await start();
    const acked = new Set<string>();
    let sent = 0;
    try {
      const owner = await Visitor.create(server.url);
      const roomId = await owner.createRoom('kill -9');
      for (let round = 0; round < KILL_ROUNDS; round++) {
        // The same person (session) comes back after each restart and keeps posting.
        const ws = await owner.socket(server.url.replace('http', 'ws') + '/ws');
        await ws.join(roomId);
        ws.ws.on('message', (d) => {
          const f = JSON.parse((d as Buffer).toString('utf8')) as { type: string; id?: string };
          if (f.type === 'ack' && f.id) acked.add(f.id);
        });
        // Keep chats in flight: the kill lands between sends, commits and acks.
        const target = acked.size + 100;
        const pump = setInterval(() => {
          for (let i = 0; i < 20; i++, sent++)
            ws.send({ type: 'chat', roomId, text: `n${sent}`, clientId: `k${sent}` });
        }, 2);
        await waitFor(() => acked.size >= target, 20_000, `${target} acks`).finally(() => clearInterval(pump));
        await stopProcess(server.child, 'SIGKILL');
        server = await start();
      }
      const reader = await Visitor.create(server.url);
      const stored = new Set<string>();
      let before: string | undefined;
      for (;;) {
        const q = before ? `?before=${before}&limit=100` : '?limit=100';
        const page = (await (await reader.fetch(`/room/${roomId}/messages${q}`)).json()) as {
          messages: Array<{ id: string; kind: string }>;
          hasMore: boolean;
        };
        for (const m of page.messages) if (m.kind === 'chat') stored.add(m.id);
        if (!page.hasMore) break;
        before = page.messages[0]!.id;
      }
      const lost = [...acked].filter((id) => !stored.has(id));
      assert.deepEqual(lost, []);
      console.log(
        `# kill -9 × ${KILL_ROUNDS}: ${sent} sent, ${acked.size} acknowledged, ${stored.size} stored, 0 lost`,
      );
    } finally {
      await stopProcess(server.child);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
