// The WebSocket hub: one ws server on the app's HTTP server (upgrade on /ws), sockets
// authenticated by the session cookie, heartbeats, and fan-out of what the chat publishes.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Chat } from '../chat/create-chat.js';
import { addressKey, clientAddress } from '../client-address.js';
import type { HostCheck } from '../host-policy.js';
import { parseClientFrame } from '../shared/protocol.js';
import { recordSince } from '../latency-stages.js';
import { broadcast, broadcastRoomFrame } from './broadcast.js';
import { Client } from './client.js';
import { FrameHandler } from './frame-handler.js';
import { FrameLimits } from './frame-limits.js';
import { privateSocketOf, rawSocketAccess } from './raw-socket.js';
import { reply } from './reply.js';
import { RoomRegistry } from './room-registry.js';
import { checkUpgrade, refuseUpgrade, type SessionAccess } from './session-gate.js';
import type { SocketPlaces, SocketQuotaLimits } from './socket-quota.js';

export interface HubOptions {
  chat: Chat;
  sessions: SessionAccess;
  allowedOrigins: string[];
  trustProxy: boolean;
  checkHost: (host: string | undefined) => HostCheck;
  /** Sockets open at once per person and per client address. */
  socketQuota: SocketQuotaLimits;
  /** Where those sockets are counted: this process (SocketQuota), or a count instances share. */
  socketPlaces: SocketPlaces;
  heartbeatMs: number;
  maxPayload: number;
  /** Frames of any kind one connection may send per 10 s before it is closed. */
  framesPer10s: number;
  /** How often presence is checked against the live sockets (see Presence.reconcile). */
  reconcileMs?: number;
  logError: (err: unknown) => void;
  /** Where warnings go, one line each. */
  warn: (line: string) => void;
  /**
   * Finds the stream under a WebSocket, to write ready-made frames to (default: ws's
   * private `_socket`, see raw-socket.ts). If what it finds cannot be written to, the hub
   * warns once and sends through ws.send. Tests pass `() => undefined` to run that fallback.
   */
  socketOf?: (ws: WebSocket) => unknown;
  /** Names this process in an X-Instance header of the upgrade's 101 answer, as on HTTP answers. */
  instance: string;
}

export interface Hub {
  clientCount(): number;
  /** Closes every socket with 1001 (going away) and stops the heartbeat. */
  close(): Promise<void>;
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Frames of one socket that may wait for their turn before the socket stops being read. */
const MAX_PENDING_FRAMES = 16;

export function attachHub(server: Server, opts: HubOptions): Hub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload, perMessageDeflate: false });
  wss.on('headers', (headers) => headers.push(`X-Instance: ${opts.instance}`));
  const registry = new RoomRegistry();
  const clients = new Map<string, Client>();
  const limits = new FrameLimits(opts.framesPer10s);
  const quota = opts.socketPlaces;
  const handler = new FrameHandler(opts.chat, registry, opts.sessions, opts.logError);
  const rawSocketOf = rawSocketAccess(opts.socketOf ?? privateSocketOf, opts.warn);
  const { events } = opts.chat;

  events.on('message', (message) => {
    const started = performance.now();
    const inRoom = registry.members(message.roomId);
    // A whisper goes to its author's and its recipient's sockets only: nobody else gets a frame.
    const to = message.to;
    const recipients = to
      ? [...inRoom].filter((c) => c.person.id === to.id || c.person.id === message.author?.id)
      : inRoom;
    broadcastRoomFrame(message.roomId, recipients, { type: 'message', message });
    recordSince('fanout', started);
  });
  events.on('typing', (roomId, person) => {
    const others = [...registry.members(roomId)].filter((c) => c.person.id !== person.id);
    broadcastRoomFrame(roomId, others, { type: 'typing', roomId, user: person });
  });
  events.on('members', (roomId, members) =>
    broadcastRoomFrame(roomId, registry.members(roomId), { type: 'members', roomId, members }),
  );
  events.on('kicked', (roomId, personId, message) => {
    const frame = { type: 'kicked', roomId, message } as const;
    for (const client of [...registry.members(roomId)]) {
      if (client.person.id !== personId) continue;
      registry.remove(roomId, client);
      client.catchUpBoundaries?.delete(roomId);
      reply(client, frame);
    }
  });
  events.on('person-updated', (person) => {
    for (const client of clients.values()) if (client.person.id === person.id) client.person = person;
  });
  events.on('room-created', (room) => broadcast(registry.lobby, { type: 'room-created', room }));
  events.on('room-updated', (room) => broadcast(registry.lobby, { type: 'room-updated', room }));
  events.on('room-removed', (roomId) => {
    const frame = { type: 'room-removed', roomId } as const;
    broadcast(registry.drop(roomId), frame);
    broadcast(registry.lobby, frame);
  });

  server.on('upgrade', (req, socket, head) => {
    // A named function, not a closure: a closure here would share this handler's scope and keep
    // the upgrade request (with its parsed session) alive as long as the socket lives.
    socket.on('error', destroySocket);
    const upgrade = async () => {
      const gate = await checkUpgrade(req, opts);
      if (!gate.ok) {
        refuseUpgrade(socket, gate);
        return;
      }
      const address = addressKey(clientAddress(req, opts.trustProxy));
      const place = await quota.take(gate.person.id, address);
      if ('refused' in place) {
        const who = place.refused === 'person' ? 'you have' : 'your address has';
        const most = opts.socketQuota[place.refused];
        const message = `Too many open connections: ${who} ${most}. Close a tab and try again.`;
        refuseUpgrade(socket, { status: 429, message, retryAfterS: 10 });
        return;
      }
      // The raw socket closes whether the handshake completes or not.
      socket.once('close', place.release);
      wss.handleUpgrade(req, socket, head, (ws) =>
        connected(ws, new Client(ws, gate.person, gate.sid, address, rawSocketOf(ws))),
      );
    };
    upgrade().catch((err: unknown) => {
      opts.logError(err);
      refuseUpgrade(socket, { status: 503 });
    });
  });

  function connected(ws: WebSocket, client: Client): void {
    clients.set(client.id, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => onFrame(client, data, isBinary));
    ws.on('close', () => {
      client.closed = true;
      clients.delete(client.id);
      registry.lobby.delete(client);
      for (const roomId of [...client.rooms]) handler.leave(client, roomId);
    });
    reply(client, { type: 'hello', me: client.person });
  }

  function onFrame(client: Client, data: RawData, isBinary: boolean): void {
    const arrived = performance.now();
    // Frames wait for the ones before them (a join reading the database). Past a few waiting, the
    // socket is not read until they drain: a client sending faster than it is answered fills its
    // own TCP buffers, not this process's memory.
    if (++client.pendingFrames >= MAX_PENDING_FRAMES && !client.ws.isPaused) client.ws.pause();
    client.queue = client.queue
      .then(() => handleFrame(client, data, isBinary, arrived))
      .catch(opts.logError)
      .finally(() => {
        if (--client.pendingFrames <= MAX_PENDING_FRAMES / 2 && client.ws.isPaused) client.ws.resume();
      });
  }

  async function handleFrame(client: Client, data: RawData, isBinary: boolean, arrived: number): Promise<void> {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (!(await limits.frame(client.id))) {
      client.close(1008, 'too many frames');
      return;
    }
    if (isBinary) {
      client.close(1003, 'binary frames are not accepted');
      return;
    }
    // A Buffer: the server keeps ws's default binaryType, 'nodebuffer'.
    const parsed = parseClientFrame((data as Buffer).toString());
    if (!parsed.ok) {
      reply(client, { type: 'error', code: parsed.code, message: parsed.message });
      return;
    }
    await handler.handle(client, parsed.frame);
    // A chat's handling ends once it is queued for storage (its ack follows the commit).
    if (parsed.frame.type === 'chat') recordSince('handle', arrived);
  }

  const heartbeat = setInterval(() => {
    for (const client of clients.values()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();
  // Whatever path a connection took out, presence must not outlive it.
  const reconcile = setInterval(() => opts.chat.presence.reconcile((id) => clients.has(id)), opts.reconcileMs ?? 1000);
  reconcile.unref();

  return {
    clientCount: () => clients.size,
    async close() {
      clearInterval(heartbeat);
      clearInterval(reconcile);
      const closed = [...clients.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.ws.once('close', () => resolve());
            c.close(1001, 'server shutting down');
            setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, 2000).unref();
          }),
      );
      await Promise.all(closed);
      wss.close();
    },
  };
}
