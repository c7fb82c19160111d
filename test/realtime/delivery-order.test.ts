// Exactly once, in order, under concurrency: several members post at once (so the database
// acknowledges out of order), one reader stays, another drops mid-burst and comes back with the
// last id it saw. Both must end with the same messages, each once, in id order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerFrame } from '../../src/shared/protocol.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';

const SENDERS = 4;
const EACH = 100;

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

function ids(frames: MessageFrame[]): string[] {
  return frames.filter((f) => f.message.kind === 'chat').map((f) => f.message.id);
}

describe('delivery order', () => {
  it('concurrent senders: a steady reader and a reconnecting one each get every message once, in id order', async () => {
    const srv = await startTestServer({
      CHAT_PER_10S: '1000000',
      CHAT_PER_IP_PER_10S: '10000000',
      WS_FRAMES_PER_10S: '10000000',
    });
    try {
      const visitors = await Promise.all(Array.from({ length: SENDERS + 2 }, () => Visitor.create(srv.baseUrl)));
      const roomId = await visitors[0]!.createRoom('order', { max: 10 });
      const join = async (v: Visitor, after?: string): Promise<TestSocket> => {
        const ws = await v.socket(srv.wsUrl);
        ws.send(after ? { type: 'join', roomId, after } : { type: 'join', roomId });
        await ws.next('joined');
        return ws;
      };
      const senders = await Promise.all(visitors.slice(0, SENDERS).map((v) => join(v)));
      const steady = await join(visitors[SENDERS]!);
      const roamer = visitors[SENDERS + 1]!;
      const first = await join(roamer);

      const steadyFrames: MessageFrame[] = [];
      steady.ws.on('message', (d) => {
        const f = JSON.parse((d as Buffer).toString()) as ServerFrame;
        if (f.type === 'message') steadyFrames.push(f);
      });
      const beforeDrop: MessageFrame[] = [];
      first.ws.on('message', (d) => {
        const f = JSON.parse((d as Buffer).toString()) as ServerFrame;
        if (f.type === 'message' && f.message.kind === 'chat') beforeDrop.push(f);
      });

      for (let i = 0; i < EACH; i++) {
        senders.forEach((ws, s) => ws.send({ type: 'chat', roomId, text: `s${s} m${i}`, clientId: `s${s}-${i}` }));
      }
      // Drop the roamer mid-burst, hard, and come back with the last id it saw.
      await first.until(() => beforeDrop.length >= 100, 30_000).catch(() => undefined);
      first.ws.terminate();
      const seen = ids(beforeDrop);
      const last = seen[seen.length - 1]!;
      const again = await join(roamer, last);
      const caughtUp: string[] = [];
      const live: MessageFrame[] = [];
      const order: string[] = []; // catch-up pages and live frames, as they arrived
      again.ws.on('message', (d) => {
        const f = JSON.parse((d as Buffer).toString()) as ServerFrame;
        if (f.type === 'message') live.push(f);
        if (f.type === 'message' && f.message.kind === 'chat') order.push(f.message.id);
        if (f.type === 'catchup') {
          for (const m of f.messages) {
            if (m.kind !== 'chat') continue;
            caughtUp.push(m.id);
            order.push(m.id);
          }
          if (f.more) again.send({ type: 'history', roomId, after: f.messages[f.messages.length - 1]!.id });
        }
      });
      const total = SENDERS * EACH;
      await steady.until(() => ids(steadyFrames).length >= total, 60_000);
      await again.until(() => seen.length + order.length >= total, 30_000).catch(() => undefined);

      const steadyIds = ids(steadyFrames);
      assert.equal(steadyIds.length, total);
      assert.deepEqual(steadyIds, [...steadyIds].sort(), 'the steady reader got them in id order');
      const roamerIds = [...seen, ...order];
      assert.equal(new Set(roamerIds).size, roamerIds.length, 'no message twice');
      assert.deepEqual(roamerIds, steadyIds, 'the roamer got the same messages, in the same order');
      console.log(
        `# delivery order: ${total} concurrent messages; reconnecting reader saw ${seen.length}, ` +
          `caught up ${caughtUp.length}, then ${order.length - caughtUp.length} live — none lost or twice`,
      );
      for (const ws of [...senders, steady, again]) ws.close();
    } finally {
      await srv.close();
    }
  });
});
