// A load process (forked by the orchestrator): opens many raw ws sockets to one server, joins
// them to a room, counts the broadcast messages they receive, and sends chat at a paced rate.
// Latency is measured only for messages sent from this process, so sender and receiver share a
// clock. With several instances of a server (`ports`), socket i talks to ports[i % ports.length],
// every chat carries its sender's instance, and deliveries that crossed instances are counted
// (and their latency kept) apart.
import WebSocket from 'ws';
import { serve } from '../lib/rpc.js';
import { nowMs } from '../lib/stats.js';
import { DIALECTS, type Dialect, type ServerKind } from './dialects.js';
import { newSession, pool, type Session } from './visitors.js';

export interface OpenArgs {
  kind: ServerKind;
  port: number;
  /** Instances of one server: socket i connects to ports[i % ports.length] (default: [port]). */
  ports?: number[];
  count: number;
  tabsPerVisitor: number;
  roomId: string | null;
  /** When set, socket i joins roomIds[i % length] instead of roomId (many small rooms). */
  roomIds?: string[];
  /** Measure latency on every Nth socket (0: none). */
  sampleEvery: number;
  procId: number;
}
export interface Taken {
  received: number;
  /** Send→receive ms of sampled sockets, for messages sent on their own instance. */
  latencies: number[];
  /** When each of `latencies`' messages was sent (this process's clock, ms), in the same order. */
  sentAt: number[];
  /** Messages received on another instance than the one they were sent to (several ports only). */
  crossReceived: number;
  crossLatencies: number[];
}

interface Sock {
  ws: WebSocket;
  index: number;
  inFlight: number;
  roomId: string;
  /** Which of the server's instances (index into ports) the socket talks to. */
  instance: number;
}

let dialect: Dialect;
let sockets: Sock[] = [];
let procId = 0;
let received = 0;
let acked = 0;
let latencies: number[] = [];
let sentAt: number[] = [];
let crossReceived = 0;
let crossLatencies: number[] = [];
let countCross = false;
let seq = 0;
const marker = () => `bench:${procId}:`;
/** Precedes the sender's instance digit in every chat text: `@@<instance>bench:<proc>:<ms>:`. */
const INSTANCE_TAG = Buffer.from('@@');
const SENDER_AT = 0x30;

/** The instance a message was sent to, from its text; -1 if it carries no tag. */
function senderInstance(data: Buffer): number {
  const i = data.indexOf(INSTANCE_TAG);
  return i < 0 ? -1 : (data[i + 2] ?? SENDER_AT - 1) - SENDER_AT;
}

function onMessage(sock: Sock, sampled: boolean, data: Buffer, onControl: (text: string) => void): void {
  if (dialect.isMessage(data)) {
    received++;
    const crossed = countCross && senderInstance(data) !== sock.instance;
    if (crossed) crossReceived++;
    if (sampled) {
      const s = data.toString('latin1');
      const i = s.indexOf(marker());
      if (i >= 0) {
        const sent = Number(s.slice(i + marker().length, s.indexOf(':', i + marker().length)));
        if (crossed) crossLatencies.push(nowMs() - sent);
        else {
          latencies.push(nowMs() - sent);
          sentAt.push(sent);
        }
      }
    }
    return;
  }
  if (dialect.isAck(data)) {
    acked++;
    sock.inFlight--;
    if (persisting) persistOne(sock);
    return;
  }
  const text = data.toString();
  if (!dialect.keepAlive(sock.ws, text)) onControl(text);
}

function waitFor(
  pending: Map<number, (text: string) => boolean>,
  index: number,
  test: (text: string) => boolean,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // What came instead, for the error: a refusal says why, silence says the server never answered.
    const instead: string[] = [];
    const timer = setTimeout(() => {
      const got = instead.length > 0 ? `; got instead: ${instead.slice(-3).join(' ')}` : '; nothing else came';
      reject(new Error(`socket ${index}: no ${what} in 30 s${got}`));
    }, 30_000);
    pending.set(index, (text) => {
      if (!test(text)) {
        instead.push(text.slice(0, 200));
        return false;
      }
      clearTimeout(timer);
      pending.delete(index);
      resolve();
      return true;
    });
  });
}

let prepared: Session[] = [];

/** Makes the sessions `open` will use (gif-chat only), so their cost can be kept out of a measurement. */
async function prepare(args: OpenArgs): Promise<Session[]> {
  const n = Math.ceil(args.count / args.tabsPerVisitor);
  // Instances share the database and the cookie secret: a session made on the first is good on all.
  const origin = `http://127.0.0.1:${args.ports?.[0] ?? args.port}`;
  if (prepared.length < n || prepared[0]?.origin !== origin) {
    // Named apart: one load process's visitors from another's too (they enter the same room).
    prepared = await pool(Array.from({ length: n }), 16, (_, i) => newSession(origin, `bench-${args.procId}-${i}`));
  }
  return prepared;
}

async function open(args: OpenArgs): Promise<number> {
  dialect = DIALECTS[args.kind];
  procId = args.procId;
  const ports = args.ports ?? [args.port];
  countCross = ports.length > 1;
  const sessions = args.kind === 'us' ? await prepare(args) : [];
  const waiting = new Map<number, (text: string) => boolean>();
  const opened = await pool(Array.from({ length: args.count }), 64, async (_, index) => {
    const instance = index % ports.length;
    const port = ports[instance]!;
    const session = sessions[Math.floor(index / args.tabsPerVisitor)];
    const headers = session ? { cookie: session.cookie, origin: `http://127.0.0.1:${port}` } : {};
    const ws = new WebSocket(dialect.url(port), { headers, perMessageDeflate: false });
    const room = args.roomIds?.[index % args.roomIds.length] ?? args.roomId;
    const sock: Sock = { ws, index, inFlight: 0, roomId: room ?? '', instance };
    const sampled = args.sampleEvery > 0 && index % args.sampleEvery === 0;
    ws.on('message', (data: Buffer) => onMessage(sock, sampled, data, (text) => void waiting.get(index)?.(text)));
    ws.on('error', () => undefined);
    // A server that is ready on open (the bare ws peer) sends no ready frame: wait for none, or
    // the 30 s timer would reject with nobody listening.
    const ready = dialect.isReady('')
      ? Promise.resolve()
      : waitFor(waiting, index, (t) => dialect.isReady(t), 'ready frame');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    dialect.onOpen(ws);
    await ready;
    if (room) {
      const joined = waitFor(waiting, index, (t) => dialect.isJoined(t), 'joined frame');
      ws.send(dialect.join(room));
      await joined;
    }
    return sock;
  });
  sockets = sockets.concat(opened);
  return sockets.length;
}

function take(): Taken {
  const out = { received, latencies, sentAt, crossReceived, crossLatencies };
  received = 0;
  latencies = [];
  sentAt = [];
  crossReceived = 0;
  crossLatencies = [];
  return out;
}

/** Sends `rate` chats per second for `ms`, spread over the first `senders` sockets, paced per 5 ms. */
async function send(args: { rate: number; senders: number; ms: number; pad: number }): Promise<number> {
  const senders = sockets.slice(0, args.senders);
  const pad = 'x'.repeat(args.pad);
  const start = nowMs();
  let sent = 0;
  let turn = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = nowMs() - start;
      const due = Math.min(args.rate * (args.ms / 1000), Math.floor((args.rate * elapsed) / 1000));
      for (; sent < due; sent++) {
        const s = senders[turn++ % senders.length]!;
        const text = `@@${s.instance}${marker()}${nowMs().toFixed(3)}:${pad}`;
        s.ws.send(dialect.chat(s.roomId, text, `b${procId}-${s.index}-${++seq}`));
      }
      if (elapsed >= args.ms) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  return sent;
}

let persisting = false;
let persistPad = '';

function persistOne(s: Sock): void {
  s.inFlight++;
  s.ws.send(dialect.chat(s.roomId, `${marker()}${nowMs().toFixed(3)}:${persistPad}`, `p${procId}-${s.index}-${++seq}`));
}

/** Every socket keeps `window` chats in flight (one more goes out as each is acked) for `ms`. */
async function persist(args: { ms: number; window: number; pad: number }): Promise<{ acked: number; ms: number }> {
  persistPad = 'x'.repeat(args.pad);
  acked = 0;
  persisting = true;
  const start = nowMs();
  for (const s of sockets) while (s.inFlight < args.window) persistOne(s);
  await new Promise((resolve) => setTimeout(resolve, args.ms));
  persisting = false;
  return { acked, ms: nowMs() - start };
}

function closeAll(): void {
  for (const s of sockets) s.ws.terminate();
  sockets = [];
}

serve({ prepare: (args: OpenArgs) => prepare(args).then((s) => s.length), open, take, send, persist, closeAll });
process.on('disconnect', () => process.exit(0));
