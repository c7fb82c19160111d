// Chat events between instances over one Redis pub/sub channel. Every instance publishes on it and
// receives everything on it, its own events included, so all instances see the events in the one
// order Redis executed the PUBLISHes in. Publishing keeps order too: events wait in a bounded
// queue while Redis is away and go out, in order, when it is back (a message already stored must
// still reach the other instances). When the subscription was lost and is back, `resynced` tells
// the receiver that events may have been missed (room-order.ts then reads what was stored).
import type { Redis } from 'ioredis';

const CHANNEL = 'gifchat:events';
/** Events queued while Redis is away; past this the oldest are dropped (readers fill from the database). */
const MAX_QUEUED = 100_000;
const RETRY_MS = 250;

type Received = (name: never, args: unknown[]) => void;

export class RedisEventTransport {
  private readonly subscriber: Redis;
  private readonly queue: string[] = [];
  private sending = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly onError: (err: unknown) => void,
    private readonly channel = CHANNEL,
  ) {
    // A connection in subscriber mode can do nothing else: a second one for receiving.
    this.subscriber = publisher.duplicate();
    this.subscriber.on('error', () => undefined); // the publisher's connection reports Redis failures
  }

  send(name: string, args: unknown[]): void {
    if (this.closed) return;
    this.queue.push(JSON.stringify([name, args]));
    if (this.queue.length > MAX_QUEUED) this.queue.shift();
    if (!this.sending) void this.flush();
  }

  async listen(received: Received, resynced: () => void): Promise<void> {
    this.subscriber.on('message', (channel: string, data: string) => {
      if (channel !== this.channel) return;
      let event: [never, unknown[]];
      try {
        event = JSON.parse(data) as [never, unknown[]];
      } catch (err) {
        this.onError(err);
        return;
      }
      received(event[0], event[1]);
    });
    let first = true;
    // ioredis subscribes again on its own after a reconnect; 'ready' follows each (re)connect.
    this.subscriber.on('ready', () => {
      if (first) first = false;
      else resynced();
    });
    await this.subscriber.subscribe(this.channel);
    first = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  /** Publishes queued events one pipeline at a time, in order; on failure, tries again shortly. */
  private async flush(): Promise<void> {
    this.sending = true;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, 512);
      const pipeline = this.publisher.pipeline();
      for (const data of batch) pipeline.publish(this.channel, data);
      try {
        const answers = (await pipeline.exec()) ?? [];
        const failed = answers.findIndex(([err]) => err);
        // Everything before the first failure went out; the rest is tried again.
        this.queue.splice(0, failed === -1 ? batch.length : failed);
        if (failed !== -1) throw answers[failed]?.[0] ?? new Error('publish failed');
      } catch {
        this.sending = false;
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- closed while awaiting
        if (!this.closed) {
          this.retryTimer = setTimeout(() => void this.flush(), RETRY_MS);
          this.retryTimer.unref();
        }
        return;
      }
    }
    this.sending = false;
  }
}
