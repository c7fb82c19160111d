// The wall clock steps back (an NTP correction, a VM resumed) while people chat: message ids must
// still grow, or a reconnecting socket's catch-up (`after` its last id) skips what was sent since.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('clock steps back', () => {
  it('messages sent after the clock stepped back still arrive in catch-up, in order', async () => {
    const srv = await startTestServer();
    const realNow = Date.now;
    try {
      const a = await Visitor.create(srv.baseUrl);
      const b = await Visitor.create(srv.baseUrl);
      const roomId = await a.createRoom('clock');
      const ws = await a.socket(srv.wsUrl);
      await ws.join(roomId);
      ws.send({ type: 'chat', roomId, text: 'before the step', clientId: 'c1' });
      const first = await ws.next('ack');

      // The server runs in this process: step its clock two minutes back.
      Date.now = () => realNow.call(Date) - 120_000;
      const sent: string[] = [];
      for (const text of ['after the step 1', 'after the step 2']) {
        ws.send({ type: 'chat', roomId, text, clientId: text.replace(/\W/g, '') });
        sent.push((await ws.next('ack')).id);
      }

      const reader = await b.socket(srv.wsUrl);
      reader.send({ type: 'join', roomId, after: first.id });
      const page = await reader.next('catchup');
      const chats = page.messages.filter((m) => m.kind === 'chat');
      assert.deepEqual(
        chats.map((m) => m.text),
        ['after the step 1', 'after the step 2'],
      );
      assert.deepEqual(
        chats.map((m) => m.id),
        sent,
      );
      assert.ok(
        sent.every((id) => id > first.id),
        `ids ${sent.join(', ')} are not above ${first.id}`,
      );
      ws.close();
      reader.close();
    } finally {
      Date.now = realNow;
      await srv.close();
    }
  });
});
