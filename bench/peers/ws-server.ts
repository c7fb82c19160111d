// Peer 2: bare ws at the practical limit of one Node process — each broadcast serialized and
// framed once (Sender.frame), the same bytes written to every member, and each socket's writes of
// one event-loop turn corked together and flushed by a single setImmediate.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';
import { WebSocketServer } from 'ws';
import { chatMessage, type Author, type ChatIn } from './peer-message.js';
import { ready, serveStats } from './server-stats.js';

interface Peer {
  socket: Duplex;
  author: Author;
}

const rooms = new Map<string, Set<Peer>>();
const corked = new Set<Duplex>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  for (const s of corked) s.uncork();
  corked.clear();
}

function write(peer: Peer, bytes: Buffer): void {
  if (!corked.has(peer.socket)) {
    peer.socket.cork();
    corked.add(peer.socket);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }
  peer.socket.write(bytes);
}

/** ws's frame encoder; @types/ws does not declare it. */
interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, opts: FrameOptions): Buffer[] } }).Sender;

function frame(value: unknown): Buffer {
  const data = Buffer.from(JSON.stringify(value));
  const parts = Sender.frame(data, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true });
  return Buffer.concat(parts);
}

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
let nextId = 0;

wss.on('connection', (ws) => {
  const socket = (ws as unknown as { _socket: Duplex })._socket;
  const peer: Peer = {
    socket,
    author: { id: `p${++nextId}`, nickname: `guest-${nextId}`, color: 'hsl(200, 60%, 45%)' },
  };
  const joined = new Set<string>();
  ws.on('message', (data) => {
    let msg: { type?: string } & Partial<ChatIn>;
    try {
      msg = JSON.parse((data as Buffer).toString()) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'join' && typeof msg.roomId === 'string') {
      let set = rooms.get(msg.roomId);
      if (!set) rooms.set(msg.roomId, (set = new Set()));
      set.add(peer);
      joined.add(msg.roomId);
      write(peer, frame({ type: 'joined', roomId: msg.roomId }));
    } else if (msg.type === 'chat' && typeof msg.roomId === 'string' && typeof msg.text === 'string') {
      const members = rooms.get(msg.roomId);
      if (!members) return;
      const bytes = frame({ type: 'message', message: chatMessage(msg as ChatIn, peer.author) });
      for (const m of members) write(m, bytes);
    }
  });
  ws.on('close', () => {
    for (const r of joined) rooms.get(r)?.delete(peer);
  });
});

http.listen(0, '127.0.0.1', () => {
  serveStats();
  ready((http.address() as AddressInfo).port);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
