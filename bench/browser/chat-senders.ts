// People chatting in one room over their real sockets, for the browser-load bench: each sender is
// a visitor with a session (GET /me) and a joined socket, and every chat carries a clientId whose
// ack (sent by the server only after the message is stored) is counted.
import type WebSocket from 'ws';
import { sleep } from '../lib/stats.js';
import { enterRoom, newSession } from '../load/visitors.js';

export interface Senders {
  /** Sends `total` chats spread over the senders, at most `window` unacknowledged at a time. */
  burst(total: number, window: number): Promise<void>;
  /** Sends `perSecond` chats a second for `seconds`, on schedule; resolves when all are acked. */
  paced(perSecond: number, seconds: number): Promise<number>;
  close(): void;
}

const WORDS = ['gif', 'lunch', 'deploy', 'cat', 'meeting', 'coffee', 'build', 'weekend', 'review', 'train'];

/** A chat of 5–20 words, different each time but the same from run to run. */
function chatText(n: number): string {
  const words = Array.from({ length: 5 + (n % 16) }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]);
  return `#${n} ${words.join(' ')}`;
}

export async function openSenders(origin: string, roomId: string, count: number): Promise<Senders> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await enterRoom(await newSession(origin), roomId));
  let sent = 0;
  let acked = 0;
  for (const ws of sockets) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; message?: string };
      if (frame.type === 'ack') acked += 1;
      else if (frame.type === 'error') throw new Error(`chat refused: ${frame.message ?? ''}`);
    });
  }
  const send = () => {
    const n = sent++;
    const ws = sockets[n % sockets.length]!;
    ws.send(JSON.stringify({ type: 'chat', roomId, text: chatText(n), clientId: `bench-${n}` }));
  };
  const allAcked = async (deadlineMs: number) => {
    const until = performance.now() + deadlineMs;
    while (acked < sent) {
      if (performance.now() > until) throw new Error(`only ${acked} of ${sent} chats acknowledged`);
      await sleep(5);
    }
  };
  return {
    async burst(total, window) {
      const end = sent + total;
      while (sent < end) {
        while (sent < end && sent - acked < window) send();
        await sleep(1);
      }
      await allAcked(30_000);
    },
    async paced(perSecond, seconds) {
      const start = performance.now();
      const total = Math.round(perSecond * seconds);
      for (let done = 0; done < total;) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond) + 1);
        for (; done < due; done++) send();
        await sleep(Math.max(1, 1000 / perSecond / 2));
      }
      await allAcked(30_000);
      return total;
    },
    close() {
      for (const ws of sockets) ws.close();
    },
  };
}
