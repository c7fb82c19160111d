// A database that stops answering (SIGSTOP: the process is there, its sockets accept, nothing
// replies) must not hang anyone: chats and upgrades get `unavailable` / 503 within the deadline,
// /readyz says so, and after SIGCONT everything works again with every message stored and
// delivered once, including one whose write timed out but may have been committed late.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ServerFrame } from '../../src/shared/protocol.js';
import { startStandaloneDb, stopProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

/** Far above the deadline the server is given (DB_OP_TIMEOUT_MS below), far below "forever". */
const PATIENCE_MS = 15_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${PATIENCE_MS} ms`)), PATIENCE_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The process's state letter from /proc (T: stopped); undefined where there is no /proc. */
async function processState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe('a hung database', () => {
  it('answers unavailable within the deadline while the database is stopped, and recovers after SIGCONT', async () => {
    const dbDir = await mkdtemp(path.join(tmpdir(), 'gifchat-hang-'));
    const { child: db, port } = await startStandaloneDb(dbDir);
    const srv = await startTestServer({ MONGO_URL: `mongodb://127.0.0.1:${port}/gifchat`, DB_OP_TIMEOUT_MS: '1500' });
    try {
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => Visitor.create(srv.baseUrl)));
      const roomId = await a!.createRoom('hang');
      const sender = await a!.socket(srv.wsUrl);
      await sender.join(roomId);
      const observer = await b!.socket(srv.wsUrl);
      await observer.join(roomId);
      const live: string[] = [];
      observer.ws.on('message', (d) => {
        const f = JSON.parse((d as Buffer).toString('utf8')) as ServerFrame;
        if (f.type === 'message' && f.message.kind === 'chat') live.push(f.message.id);
      });
      sender.send({ type: 'chat', roomId, text: 'before', clientId: 'before' });
      await sender.next('ack');

      db.kill('SIGSTOP');
      try {
        // A signal is delivered asynchronously: be sure the database is stopped before asking it.
        await waitFor(async () => ['T', undefined].includes(await processState(db.pid!)), 5000, 'the database to stop');
        sender.send({ type: 'chat', roomId, text: 'during', clientId: 'during' });
        const err = await sender.next('error', () => true, PATIENCE_MS);
        assert.deepEqual([err.code, err.clientId], ['unavailable', 'during']);
        const post = await within(a!.postJson(`/room/${roomId}/chat`, { chat: 'by http' }), 'HTTP chat');
        assert.equal(post.status, 503);
        const page = await within(a!.fetch(`/room/${roomId}/messages`), 'history');
        assert.equal(page.status, 503);
        await waitFor(async () => (await fetch(`${srv.baseUrl}/readyz`)).status === 503, PATIENCE_MS, '/readyz 503');
        await assert.rejects(within(c!.socket(srv.wsUrl), 'socket upgrade'), /upgrade refused: 503/);
      } finally {
        db.kill('SIGCONT');
      }

      await waitFor(async () => (await fetch(`${srv.baseUrl}/readyz`)).status === 200, 30_000, '/readyz 200');
      // The client's outbox sends again with the same clientId: stored once, whatever the first try did.
      sender.send({ type: 'chat', roomId, text: 'during', clientId: 'during' });
      const during = await sender.next('ack', () => true, 10_000);
      const after = await a!.postJson(`/room/${roomId}/chat`, { chat: 'after', clientId: 'after' });
      assert.equal(after.status, 201);
      const history = await a!.history(roomId);
      const chats = history.messages.filter((m) => m.kind === 'chat');
      // A chat refused with 503 by the HTTP route may have reached the database or not; never twice.
      assert.deepEqual(
        chats.map((m) => m.text).filter((t) => t !== 'by http'),
        ['before', 'during', 'after'],
      );
      assert.ok(chats.filter((m) => m.text === 'by http').length <= 1);
      assert.equal(
        chats.find((m) => m.text === 'during')!.id,
        during.id,
        'the retry is acknowledged with the stored message',
      );
      // Everyone in the room saw each stored message live, once: none committed behind their back.
      await waitFor(() => live.length >= chats.length, 10_000, 'the observer to see every chat').catch(() => undefined);
      assert.deepEqual(
        live,
        chats.map((m) => m.id),
      );
      sender.close();
      observer.close();
    } finally {
      await srv.close();
      await stopProcess(db);
      await rm(dbDir, { recursive: true, force: true });
    }
  });

  it('stops reading a socket whose frames wait behind a hung read, instead of holding what it sends', async () => {
    const dbDir = await mkdtemp(path.join(tmpdir(), 'gifchat-hang-'));
    const { child: db, port } = await startStandaloneDb(dbDir);
    const srv = await startTestServer({
      MONGO_URL: `mongodb://127.0.0.1:${port}/gifchat`,
      DB_OP_TIMEOUT_MS: '6000',
      WS_FRAMES_PER_10S: '100000',
    });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('flood');
      const sender = await a.socket(srv.wsUrl);
      await sender.next('hello');
      db.kill('SIGSTOP');
      try {
        await waitFor(async () => ['T', undefined].includes(await processState(db.pid!)), 5000, 'the database to stop');
        // A join reads the database: it waits, and so does every frame after it.
        sender.send({ type: 'join', roomId });
        const junk = 'x'.repeat(15_000);
        for (let i = 0; i < 2000; i++) sender.send(junk);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        // 30 MB sent; the server took a few frames and its socket buffers, and the rest waits in
        // the client (without this, all of it would sit in the server's queue).
        assert.ok(sender.ws.bufferedAmount > 15_000_000, `client still holds ${sender.ws.bufferedAmount} bytes`);
      } finally {
        db.kill('SIGCONT');
      }
      // Once the join is answered the socket is read again: everything arrives, each frame answered.
      await waitFor(() => sender.ws.bufferedAmount === 0, 30_000, 'the rest to be read');
      await sender.until((fs) => fs.filter((f) => f.type === 'error' && f.code === 'bad_json').length === 2000, 30_000);
      sender.close();
    } finally {
      await srv.close();
      await stopProcess(db);
      await rm(dbDir, { recursive: true, force: true });
    }
  });
});
