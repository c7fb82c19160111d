// What the client gets and what the log says when a request goes wrong through no fault of the
// server: a broken percent-encoding in a path is a 400, not a 500 with a stack trace; an upload
// the client abandons is one log line and leaves no file; a shutdown in the middle of a burst of
// chats says so in at most one line. The server runs as its own process so its log is all there.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { startApp, stopProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { makeGif, Visitor } from '../helpers/visitor.js';

const STACK_LINE = /^\s+at /m;

describe('failures that are not the server’s', () => {
  let dataDir: string;
  let child: ChildProcess;
  let output: () => string;
  let url: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-faillog-'));
    const started = await startApp(dataDir);
    child = started.child;
    output = started.output;
    url = started.url;
  });
  after(async () => {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 400 to a path with a broken percent-encoding, with no stack trace in the log', async () => {
    const v = await Visitor.create(url);
    const logBefore = output().length;
    for (const p of ['/room/%ZZ', '/gif/%E0%A4%A', '/room/%ZZ/messages', '/room/%E0%A4%A/password']) {
      const res = await v.fetch(p, p.endsWith('password') ? { method: 'POST' } : {});
      assert.equal(res.status, 400, p);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'bad_path', p);
    }
    const page = await v.fetch('/room/%ZZ', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /percent-encoding/);
    assert.doesNotMatch(output().slice(logBefore), STACK_LINE);
    assert.equal(output().slice(logBefore).trim(), '', 'nothing logged for a client mistake');
  });

  it('logs one line for an upload the client abandons, and keeps no part of it', async () => {
    const v = await Visitor.create(url);
    const roomId = await v.createRoom('abandoned');
    await v.enter(roomId);
    const logBefore = output().length;
    const { port } = new URL(url);
    const boundary = 'gifchat-abandon';
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /room/${roomId}/gif HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${v.cookie}\r\nX-CSRF-Token: ${v.csrfToken}\r\n` +
        `Origin: ${url}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="gif"; filename="a.gif"\r\nContent-Type: image/gif\r\n\r\n`,
    );
    socket.write(Buffer.concat([makeGif(), Buffer.alloc(200_000)]));
    // Wait until the file is being written, then hang up mid-body.
    await waitFor(async () => (await readdir(path.join(dataDir, 'up'))).length > 0, 5000, 'the upload to start');
    socket.destroy();
    await waitFor(() => /went away/.test(output().slice(logBefore)), 5000, 'the abandoned upload to be logged');
    await waitFor(
      async () => (await readdir(path.join(dataDir, 'up'))).length === 0,
      5000,
      'the partial file to be removed',
    );
    const logged = output().slice(logBefore).trim().split('\n');
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0]!, /POST \/room\/[0-9a-f]{24}\/gif: the client went away mid-request/);
  });

  it('a SIGTERM during a burst of chats logs at most one line about what it interrupted', async () => {
    const v = await Visitor.create(url);
    const roomId = await v.createRoom('burst');
    await v.enter(roomId);
    const ws = await v.socket(url.replace('http', 'ws') + '/ws');
    await ws.join(roomId);
    let acks = 0;
    ws.ws.on('message', (d) => {
      if ((JSON.parse((d as Buffer).toString('utf8')) as { type: string }).type === 'ack') acks++;
    });
    ws.ws.on('error', () => undefined);
    let n = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 50; i++, n++) ws.send({ type: 'chat', roomId, text: `s${n}`, clientId: `s${n}` });
      for (let i = 0; i < 20; i++, n++)
        void v.postJson(`/room/${roomId}/chat`, { chat: `h${n}` }).catch(() => undefined);
    }, 2);
    try {
      await waitFor(() => acks > 100, 10_000, 'chats to be flowing');
      await stopProcess(child, 'SIGTERM');
    } finally {
      clearInterval(pump);
    }
    const log = output();
    const afterSignal = log
      .slice(log.indexOf('SIGTERM received'))
      .split('\n')
      .slice(1)
      .filter((l) => l.trim());
    assert.ok(
      afterSignal.length <= 1,
      `${afterSignal.length} lines after SIGTERM:\n${afterSignal.slice(0, 20).join('\n')}`,
    );
    assert.doesNotMatch(afterSignal.join('\n'), STACK_LINE);
  });
});
