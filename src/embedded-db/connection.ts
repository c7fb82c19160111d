// One client socket: reassembles framed messages, answers them strictly in order, and closes
// this socket (only) on anything malformed.
import type { Socket } from 'node:net';
import { runCommand } from './command-router.js';
import type { ServerState } from './commands/types.js';
import { stats } from './stats.js';
import { checkLength, encodeReply, parseMessage } from './wire-protocol.js';

export class Connection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly state: ServerState,
    readonly id: number,
    private readonly log: (msg: string) => void,
  ) {
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
    stats.connectionsCurrent--;
    this.socket.destroy();
  }

  private fail(reason: string): void {
    this.log(`closing connection ${this.id}: ${reason}`);
    this.close();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    try {
      while (this.pendingBytes >= 4) {
        const head = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
        this.pending = [head];
        const length = head.readInt32LE(0);
        checkLength(length);
        if (this.pendingBytes < length) return;
        const message = head.subarray(0, length);
        const rest = head.subarray(length);
        this.pending = rest.length ? [rest] : [];
        this.pendingBytes = rest.length;
        this.enqueue(message);
      }
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private enqueue(message: Buffer): void {
    this.chain = this.chain.then(() => this.handle(message)).catch((e: unknown) => {
      this.fail(e instanceof Error ? e.message : String(e));
    });
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.closed) return;
    const req = parseMessage(message);
    const reply = await runCommand(req.command, {
      ...this.state,
      connectionId: this.id,
      remote: `${this.socket.remoteAddress ?? ''}:${this.socket.remotePort ?? 0}`,
    });
    if (req.noReply || this.closed) return;
    this.socket.write(encodeReply(req, reply));
  }
}
