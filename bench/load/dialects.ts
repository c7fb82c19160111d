// The three servers spoken by the same raw `ws` client: how to connect, join a room, send a chat,
// and recognise a broadcast message by its first bytes (without parsing it).
import WebSocket from 'ws';

export type ServerKind = 'us' | 'socketio' | 'ws';

export interface Dialect {
  url(port: number): string;
  /** Text to send for a chat; `clientId` only matters to gif-chat (it gets an ack). */
  chat(roomId: string, text: string, clientId: string): string;
  join(roomId: string): string;
  /** Frames to send right after the socket opens (Socket.IO's namespace connect). */
  onOpen(ws: WebSocket): void;
  /** True when the socket is ready for use (hello / namespace connected). */
  isReady(text: string): boolean;
  isJoined(text: string): boolean;
  isMessage(data: Buffer): boolean;
  isAck(data: Buffer): boolean;
  /** Answers protocol keep-alives; true when `text` was one. */
  keepAlive(ws: WebSocket, text: string): boolean;
}

const jsonType = (data: Buffer, type: string) => data.toString('latin1', 9, 10 + type.length) === `${type}"`;

const jsonDialect = (path: string, readyOnOpen: boolean): Dialect => ({
  url: (port) => `ws://127.0.0.1:${port}${path}`,
  chat: (roomId, text, clientId) => JSON.stringify({ type: 'chat', roomId, text, clientId }),
  join: (roomId) => JSON.stringify({ type: 'join', roomId }),
  onOpen: () => undefined,
  isReady: (text) => readyOnOpen || text.startsWith('{"type":"hello"'),
  isJoined: (text) => text.startsWith('{"type":"joined"'),
  isMessage: (d) => d[0] === 0x7b && d[9] === 0x6d && d[11] === 0x73 && d[12] === 0x73 && jsonType(d, 'message'),
  isAck: (d) => d[0] === 0x7b && d[9] === 0x61 && jsonType(d, 'ack'),
  keepAlive: () => false,
});

/** Engine.IO v4 / Socket.IO v5 text protocol: 0 open, 2/3 ping/pong, 40 connect, 42 event, 43 ack. */
const socketIo: Dialect = {
  url: (port) => `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
  chat: (roomId, text) => `42${JSON.stringify(['chat', { roomId, text }])}`,
  join: (roomId) => `420${JSON.stringify(['join', roomId])}`,
  onOpen: (ws) => ws.send('40'),
  isReady: (text) => text.startsWith('40'),
  isJoined: (text) => text.startsWith('430'),
  isMessage: (d) =>
    d[0] === 0x34 && d[1] === 0x32 && d[4] === 0x6d && d[6] === 0x73 && d.toString('latin1', 2, 12) === '["message"',
  isAck: () => false,
  keepAlive: (ws, text) => {
    if (text !== '2') return false;
    ws.send('3');
    return true;
  },
};

export const DIALECTS: Record<ServerKind, Dialect> = {
  us: jsonDialect('/ws', false),
  socketio: socketIo,
  ws: jsonDialect('/', true),
};
