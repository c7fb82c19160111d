// Heartbeats, flood limits and graceful shutdown, with real sockets and a real server process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startApp } from '../helpers/processes.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('connection health', () => {
  it('drops a socket that stops answering pings, and its person leaves the room', async () => {
    const srv = await startTestServer({ WS_HEARTBEAT_MS: '150' });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const b = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('heartbeat');
      const wa = await a.socket(srv.wsUrl);
      await wa.join(roomId);
      const silent = new WebSocket(srv.wsUrl, { headers: { cookie: b.cookie }, autoPong: false });
      await new Promise((resolve) => silent.once('open', resolve));
      silent.send(JSON.stringify({ type: 'join', roomId }));
      await wa.next('members', (f) => f.members.length === 2);
      const closed = await new Promise<number>((resolve) => silent.once('close', resolve));
      assert.equal(closed, 1006);
      const after = await wa.next('members', (f) => f.members.length === 1, 3000);
      assert.equal(after.members[0]?.id, a.me.id);
      await wa.next('message', (f) => f.message.kind === 'system' && /left/.test(f.message.text));
      wa.close();
    } finally {
      await srv.close();
    }
  });

  it('limits a chat flood with rate_limited errors and closes a frame flood with 1008', async () => {
    const srv = await startTestServer({ CHAT_PER_10S: '10', WS_FRAMES_PER_10S: '60' });
    try {
      const a = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('flood');
      const ws = await a.socket(srv.wsUrl);
      await ws.join(roomId);
      for (let i = 0; i < 25; i++) ws.send({ type: 'chat', roomId, text: `spam ${i}`, clientId: `f${i}` });
      await ws.until((fs) => fs.filter((f) => f.type === 'ack' || f.type === 'error').length === 25);
      const acks = ws.frames.filter((f) => f.type === 'ack');
      const errors = ws.frames.flatMap((f) => (f.type === 'error' ? [f] : []));
      assert.equal(acks.length, 10);
      assert.equal(errors.length, 15);
      for (const err of errors) {
        assert.equal(err.code, 'rate_limited');
        assert.ok(err.clientId?.startsWith('f'));
      }
      const page = await a.history(roomId);
      assert.equal(page.messages.filter((m) => m.kind === 'chat').length, 10);
      for (let i = 0; i < 100; i++) ws.send('garbage');
      assert.equal(await ws.closed(), 1008);
      const other = await a.socket(srv.wsUrl);
      await other.next('hello');
      other.close();
    } finally {
      await srv.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM closes sockets with 1001 and the process exits 0', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-sigterm-'));
    const { child, url } = await startApp(dataDir);
    try {
      const v = await Visitor.create(url);
      const ws = await v.socket(url.replace('http', 'ws') + '/ws');
      await ws.next('hello');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await ws.closed(), 1001);
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
