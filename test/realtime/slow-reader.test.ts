// Backpressure: a member whose connection stops reading is dropped once the server holds too much
// unsent for it, while another member keeps receiving every message, in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('slow reader', () => {
  it('drops a reader that fell behind; a fast reader still gets every message in order', async () => {
    const srv = await startTestServer({
      CHAT_PER_10S: '1000000',
      CHAT_PER_IP_PER_10S: '10000000',
      WS_FRAMES_PER_10S: '10000000',
    });
    try {
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => Visitor.create(srv.baseUrl)));
      const roomId = await a!.createRoom('backpressure');
      const [wa, wb, wc] = await Promise.all([a!, b!, c!].map((v) => v.socket(srv.wsUrl)));
      for (const w of [wa!, wb!, wc!]) {
        await w.join(roomId);
      }
      await wb!.next('members', (f) => f.members.length === 3);
      wb!.frames.length = 0;
      // 50 long messages: one catch-up page of them is a ~100 KB frame.
      const filler = 'x'.repeat(1900);
      for (let i = 0; i < 50; i++) wa!.send({ type: 'chat', roomId, text: `seed ${i} ${filler}`, clientId: `s${i}` });
      const firstAck = await wa!.next('ack', (f) => f.clientId === 's0');
      await wa!.next('ack', (f) => f.clientId === 's49');

      const texts: string[] = [];
      wb!.ws.on('message', (data) => {
        const f = JSON.parse((data as Buffer).toString()) as { type: string; message?: { text: string } };
        if (f.type === 'message' && f.message?.text.startsWith('live ')) texts.push(f.message.text);
      });
      // The slow member stops reading but keeps asking for history: megabytes pile up for it.
      wc!.ws.pause();
      const dropped = wb!.next('members', (f) => f.members.length === 2, 60_000);
      let requests = 0;
      let live = 0;
      let isDropped = false;
      void dropped.then(
        () => (isDropped = true),
        () => undefined,
      );
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by a callback during the awaits
      while (!isDropped && requests < 2000) {
        for (let i = 0; i < 20; i++, requests++) wc!.send({ type: 'history', roomId, after: firstAck.id });
        wa!.send({ type: 'chat', roomId, text: `live ${live}`, clientId: `l${live}` });
        await wa!.next('ack', (f) => f.clientId === `l${live}`);
        live++;
      }
      const left = await dropped;
      assert.deepEqual(left.members.map((m) => m.id).sort(), [a!.me.id, b!.me.id].sort());
      await wb!.until(() => texts.length === live, 10_000).catch(() => undefined);
      assert.deepEqual(
        texts,
        Array.from({ length: live }, (_, i) => `live ${i}`),
        'every live message, in order',
      );
      wc!.ws.resume();
      assert.ok([1013, 1006].includes(await wc!.closed()), 'the slow socket is closed');
      console.log(
        `# slow reader: dropped with ${requests} catch-up pages (~100 KB each) asked for and unread; ` +
          `the fast reader got all ${live} live messages in order`,
      );
      for (const w of [wa!, wb!]) w.close();
    } finally {
      await srv.close();
    }
  });
});
