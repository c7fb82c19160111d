// Group commit with ordered publishing. While one batch is being stored, newly posted messages
// queue up and go to the database together in the next insertMany, and each batch is published
// in one turn, so the hub's per-turn write coalescing sends a socket a whole batch in one write.
// One batch at a time on purpose: with three in flight, batches were a third the size and a
// room's fan-out at saturation fell from ~845k to ~536k deliveries/s (three times the writes).
//
// Ids are given when a batch is formed, from one in-process counter, so every message is
// published in id order: a socket that has seen id X has seen every published id below X. That
// is what makes catch-up "after X, below the boundary" exact.
//
// A batch whose answer never came (the database timed out or the connection dropped) may have
// been stored, now or later. Its senders are told `unavailable`, but its messages stay
// "unresolved": they go again, with the same ids, ahead of the next batch (or on a timer) until
// the database answers for them. Stored (now, or by the lost attempt) they are published then,
// still in id order; a retry with the same clientId finds the stored one, as any retry does.
import type { MessageView } from '../shared/protocol.js';
import { isDatabaseUnavailable, isOutcomeUnknown } from '../store/db-errors.js';
import {
  insertMessages,
  newMessageId,
  type Inserted,
  type MessageRecord,
  type NewMessage,
} from '../store/message-repository.js';
import { ChatError } from './chat-error.js';
import { toMessageView } from './views.js';

/** The most messages one insert carries; more wait for the next. */
const MAX_BATCH = 512;
/** Past this many unresolved messages, new ones are refused at once rather than queued. */
const MAX_UNRESOLVED = 4 * MAX_BATCH;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

export type Draft = Omit<NewMessage, 'id'>;

export interface Posted {
  message: MessageView;
  /** True when this was a retry of a message already stored (same author and clientId). */
  duplicate: boolean;
}

interface Pending {
  draft: Draft;
  resolve: (posted: Posted) => void;
  reject: (err: unknown) => void;
}

export class MessageWriter {
  private queue: Pending[] = [];
  private writing = false;
  /** The first id of the batch being stored, until it is published. */
  private writingFrom: string | undefined;
  /** Sent, outcome unknown, in id order: resent ahead of every batch until the database answers. */
  private unresolved: NewMessage[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;
  private closed = false;

  constructor(private readonly publish: (message: MessageView) => void) {}

  /** Stores the message and publishes it; resolves once published (or found to be a retry). */
  write(draft: Draft): Promise<Posted> {
    if (this.unresolved.length >= MAX_UNRESOLVED) {
      return Promise.reject(new ChatError('unavailable', 'The database is unavailable; try again shortly.'));
    }
    return new Promise<Posted>((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      this.start();
    });
  }

  /**
   * An id above every message published so far and at or below every one still to be: where a
   * catch-up taken now ends and the live messages from now on begin.
   */
  boundary(): string {
    return this.unresolved[0]?.id ?? this.writingFrom ?? newMessageId();
  }

  /** Stops retrying unresolved messages (the store is closing). */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private start(): void {
    if (this.writing) return;
    this.writing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // Everything posted in this turn joins the first batch.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    do {
      const batch = this.queue.splice(0, MAX_BATCH).map((p) => ({ p, msg: { ...p.draft, id: newMessageId() } }));
      const resent = this.unresolved;
      this.unresolved = [];
      const msgs = [...resent, ...batch.map((b) => b.msg)];
      const first = msgs[0];
      if (!first) break;
      this.writingFrom = first.id;
      let results: Inserted[];
      try {
        results = await insertMessages(msgs);
      } catch (err) {
        results = msgs.map(() => ({ error: err, whole: true }));
      } finally {
        this.writingFrom = undefined;
      }
      this.deliver(resent, batch, results);
    } while (this.queue.length > 0);
    this.writing = false;
    if (this.unresolved.length > 0) this.scheduleRetry();
    else this.retryDelayMs = RETRY_MIN_MS;
  }

  private deliver(resent: NewMessage[], batch: Array<{ p: Pending; msg: NewMessage }>, results: Inserted[]): void {
    // insertMessages answers each message, in order: the resent ones, then the batch.
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- one result per message
    const resultOf = (i: number): Inserted => results[i]!;
    resent.forEach((msg, i) => {
      const r = resultOf(i);
      // Stored: by this attempt or an earlier one. A duplicate was stored (and published) under
      // another id; a per-document refusal means it was not stored.
      if ('record' in r && !r.duplicate) this.publishSafely(r.record);
      else if ('error' in r && r.whole) this.unresolved.push(msg);
    });
    let down: unknown;
    batch.forEach(({ p, msg }, i) => {
      const r = resultOf(resent.length + i);
      if ('error' in r) {
        if (r.whole && isOutcomeUnknown(r.error)) this.unresolved.push(msg);
        if (r.whole && isDatabaseUnavailable(r.error)) down = r.error;
        p.reject(r.error);
        return;
      }
      try {
        const message = toMessageView(r.record);
        if (!r.duplicate) this.publish(message);
        p.resolve({ message, duplicate: r.duplicate });
      } catch (err) {
        p.reject(err);
      }
    });
    // The database just failed to answer: what queued meanwhile was never sent, and would only
    // wait out another deadline. Its senders hear now.
    if (down !== undefined) for (const p of this.queue.splice(0)) p.reject(down);
  }

  private publishSafely(record: MessageRecord): void {
    try {
      this.publish(toMessageView(record));
    } catch {
      // Publishing is fan-out to sockets; one failure must not stop the others being published.
    }
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => this.start(), this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(RETRY_MAX_MS, this.retryDelayMs * 2);
  }
}
