// A server-side close after frames were sent in the same turn: over a real ws connection, the
// frames arrive first and then the close. The frames wait in the write coalescer's queue while ws
// writes its close frame itself, so Client.close must write them first (the flush writes nothing
// to a closing socket).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { encode } from '../../src/realtime/broadcast.js';
import { Client } from '../../src/realtime/client.js';
import { privateSocketOf, rawSocketAccess } from '../../src/realtime/raw-socket.js';

describe('Client.close', () => {
  it('sends the frames queued in the same turn before the close frame', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const rawOf = rawSocketAccess(privateSocketOf, (line) => assert.fail(line));
    try {
      wss.on('connection', (ws) => {
        const client = new Client(ws, { id: 'p1', nickname: 'Ann', color: 'red' }, 'sid', '127.0.0.1', rawOf(ws));
        for (let i = 0; i < 3; i++) client.send(encode({ type: 'error', code: 'bad_frame', message: `m${i}` }));
        client.close(4000, 'done');
      });
      const peer = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
      const got: string[] = [];
      peer.on('message', (data: Buffer) => got.push((JSON.parse(data.toString()) as { message: string }).message));
      const code = await new Promise<number>((resolve) => peer.once('close', resolve));
      assert.equal(code, 4000);
      assert.deepEqual(got, ['m0', 'm1', 'm2']);
    } finally {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
