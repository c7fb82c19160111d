// One client socket: reassembles framed messages, answers them strictly in order, and closes
// this socket (only) on anything malformed or on a message that takes too long to arrive.
import type { Socket } from 'node:net';
import { ConnectionAuth } from './auth/connection-auth.js';
import { runCommand } from './command-router.js';
import type { ServerState } from './commands/types.js';
import { stats } from './stats.js';
import { MessageReader } from './message-reader.js';
import { recordRead } from './op-times.js';
import { isAwaitableHello } from './commands/server-commands.js';
import { encodeReply, parseMessage, readHeader, type Request } from './wire-protocol.js';

export class Connection {
  private readonly reader = new MessageReader();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly auth = new ConnectionAuth();
  private readonly remote: string;
  /** Fires when the message being read has not completed within messageTimeoutMs. */
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly state: ServerState,
    readonly id: number,
    private readonly log: (msg: string) => void,
    private readonly messageTimeoutMs: number,
  ) {
    this.remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    stats.connectionsOpened++;
    stats.connectionsCurrent++;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopDeadline();
    stats.connectionsCurrent--;
    this.socket.destroy();
  }

  private fail(reason: string): void {
    this.log(`closing connection ${this.id}: ${reason}`);
    this.close();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    for (const message of messages) this.enqueue(message);
    // Each started message gets its own deadline: a client dribbling bytes (or declaring a large
    // message and stalling) would otherwise hold its buffer forever.
    if (messages.length > 0 || !this.reader.partial) this.stopDeadline();
    if (this.reader.partial && !this.deadline) this.startDeadline();
  }

  private startDeadline(): void {
    const timer = setTimeout(() => {
      // Let I/O that arrived while the event loop was busy (a long query) be read first: only a
      // message still incomplete after that is the client's fault.
      setImmediate(() => {
        if (this.deadline === timer && !this.closed)
          this.fail(`message not completed within ${this.messageTimeoutMs} ms`);
      });
    }, this.messageTimeoutMs);
    this.deadline = timer;
  }

  private stopDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private enqueue(message: Buffer): void {
    this.chain = this.chain
      .then(() => this.handle(message))
      .catch((e: unknown) => {
        this.fail(e instanceof Error ? e.message : String(e));
      });
  }

  private run(req: Request): ReturnType<typeof runCommand> {
    return runCommand(req.command, { ...this.state, connectionId: this.id, remote: this.remote, auth: this.auth });
  }

  /**
   * The streaming monitor protocol: a driver's awaitable hello that allows exhaust gets its answer
   * flagged moreToCome, then another after every maxAwaitTimeMS (the hello waits that long), each
   * answering the one before, until the driver closes the connection. A plain answer would end
   * the stream: the driver counts that as a failed heartbeat, marks the server unknown, clears its
   * whole connection pool and holds every operation for half a second (every 10 s, before this).
   */
  private async stream(req: Request, first: Awaited<ReturnType<typeof runCommand>>): Promise<void> {
    let reply = first;
    let responseTo = req.header.requestId;
    for (;;) {
      const out = encodeReply(req, reply, { responseTo });
      this.socket.write(out);
      responseTo = readHeader(out).requestId;
      reply = await this.run(req);
      if (this.closed) return;
    }
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.closed) return;
    const started = performance.now();
    const req = parseMessage(message);
    const reply = await this.run(req);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- may close during the await
    if (this.closed) return;
    if (req.exhaustAllowed && isAwaitableHello(req.command)) {
      await this.stream(req, reply);
      return;
    }
    if (!req.noReply) this.socket.write(encodeReply(req, reply));
    recordRead(Object.keys(req.command)[0] ?? '', started);
    // Guessing passwords costs a new connection (and its handshake) every few tries.
    if (this.auth.exhausted) {
      this.log(`closing connection ${this.id} from ${this.remote}: ${this.auth.failures} failed authentications`);
      this.closed = true;
      this.stopDeadline();
      stats.connectionsCurrent--;
      this.socket.end(() => this.socket.destroy());
    }
  }
}
