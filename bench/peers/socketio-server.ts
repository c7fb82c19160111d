// Peer 1: Socket.IO 4.8 doing the usual, documented room broadcast, io.to(room).emit, websocket transport
// only and no compression. Messages get the same shape (and so about the same size) as ours.
// With REDIS_URL set (the scale-out scenario) it runs as one of several instances through
// @socket.io/redis-adapter, as its documentation shows, with ioredis as the client.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { chatMessage, type ChatIn } from './peer-message.js';
import { ready, serveStats } from './server-stats.js';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  cors: { origin: '*' },
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const pub = new Redis(redisUrl);
  const sub = pub.duplicate();
  await Promise.all([pub, sub].map((c) => new Promise((resolve) => c.once('ready', resolve))));
  io.adapter(createAdapter(pub, sub));
}

io.on('connection', (socket) => {
  const author = { id: socket.id, nickname: `guest-${socket.id.slice(0, 4)}`, color: 'hsl(200, 60%, 45%)' };
  socket.on('join', (room: unknown, ack?: () => void) => {
    if (typeof room === 'string') void socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('chat', (msg: ChatIn | null) => {
    if (typeof msg?.roomId !== 'string' || typeof msg.text !== 'string') return;
    io.to(msg.roomId).emit('message', chatMessage(msg, author));
  });
});

http.listen(0, '127.0.0.1', () => {
  serveStats();
  ready((http.address() as AddressInfo).port);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
