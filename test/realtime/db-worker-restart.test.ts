// The embedded database's worker thread dies for real (terminated, as an out-of-memory kill would
// end it): the server says so in its log and on /healthz, starts a new worker on the same data
// and port, and chat works again with nothing lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/wait.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

const status = async (url: string) => (await fetch(url)).status;

describe('embedded database worker dies', () => {
  it('is noticed, logged, restarted; /healthz is 503 meanwhile; no message is lost', async () => {
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    // A restart delay long enough to look at the server while its database is down.
    const srv = await startTestServer({ EMBEDDED_DB_RESTART_MS: '2000' });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('worker');
      const ws = await a.socket(srv.wsUrl);
      await ws.join(roomId);
      ws.send({ type: 'chat', roomId, text: 'one', clientId: 'one' });
      await ws.next('ack');
      assert.equal((await a.postJson(`/room/${roomId}/chat`, { chat: 'two' })).status, 201);

      const worker = srv.server.embeddedDb?.worker;
      assert.ok(worker, 'the embedded database runs in a worker');
      await worker.terminate();
      assert.equal(await status(`${srv.baseUrl}/healthz`), 503);
      assert.equal(await status(`${srv.baseUrl}/readyz`), 503);
      assert.deepEqual(
        logged.filter((l) => /embedded database: worker stopped unexpectedly/.test(l)),
        ['[gif-chat] embedded database: worker stopped unexpectedly (exit code 1); restarting it in 2000 ms'],
      );

      await waitFor(async () => (await status(`${srv.baseUrl}/healthz`)) === 200, 30_000, '/healthz 200');
      await waitFor(async () => (await status(`${srv.baseUrl}/readyz`)) === 200, 30_000, '/readyz 200');
      assert.notEqual(srv.server.embeddedDb?.worker, worker, 'a new worker');
      ws.send({ type: 'chat', roomId, text: 'three', clientId: 'three' });
      await ws.next('ack', () => true, 10_000);
      const page = await a.history(roomId);
      assert.deepEqual(
        page.messages.filter((m) => m.kind === 'chat').map((m) => m.text),
        ['one', 'two', 'three'],
      );
      assert.ok(
        logged.some((l) => /embedded database: worker restarted/.test(l)),
        'the restart is logged',
      );
      ws.close();
    } finally {
      console.error = consoleError;
      await srv.close();
    }
    for (const line of logged) console.log(`# ${line}`);
  });
});
