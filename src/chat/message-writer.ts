// Group commit with ordered publishing. While one batch is being stored, newly posted messages
// queue up and go to the database together in the next insertMany, and each batch is published
// in one turn, so the hub's per-turn write coalescing sends a socket a whole batch in one write.
// One batch in the database at a time on purpose: with three in flight, batches were a third the
// size and a room's fan-out at saturation fell from ~845k to ~536k deliveries/s (three times the
// writes). But the next batch leaves as soon as the answer for the previous one is in, before
// that one is published, so the database commits while this thread fans out.
//
// Each message takes its place in its room (`seq`, see room-sequence.ts) when its batch is
// formed, and batches are published in the order they were formed, so this process publishes a
// room's messages in place order. Instances sharing Redis publish concurrently; every receiver
// puts them back in place order (room-order.ts).
//
// A batch whose answer never came (the database timed out or the connection dropped) may have
// been stored, now or later. Its senders are told `unavailable`, but its messages stay
// "unresolved": they go again, with the same ids, ahead of the next batch (or on a timer) until
// the database answers for them. Stored (now, or by the lost attempt) they are published then,
// late, under the place they took; a retry with the same clientId finds the stored one, as any retry does.
import { noteMessage, recordSince, recordStage } from '../latency-stages.js';
import type { MessageView } from '../shared/protocol.js';
import { isDatabaseUnavailable, isOutcomeUnknown } from '../store/db-errors.js';
import {
  IdTakenError,
  insertMessages,
  newMessageId,
  SeqTakenError,
  type Inserted,
  type MessageRecord,
  type NewMessage,
} from '../store/message-repository.js';
import { ChatError } from './chat-error.js';
import type { RoomSequence } from './room-sequence.js';
import { toMessageView } from './views.js';

/** The most messages one insert carries; more wait for the next. */
const MAX_BATCH = 512;
/** Past this many unresolved messages, new ones are refused at once rather than queued. */
const MAX_UNRESOLVED = 4 * MAX_BATCH;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

export type Draft = Omit<NewMessage, 'id' | 'seq'>;

export interface Posted {
  message: MessageView;
  /** True when this was a retry of a message already stored (same author and clientId). */
  duplicate: boolean;
}

interface Pending {
  draft: Draft;
  /** When it was handed to the writer (performance.now()). */
  queuedAt: number;
  resolve: (posted: Posted) => void;
  reject: (err: unknown) => void;
}

/** A batch on its way to the database. */
interface Storing {
  resent: NewMessage[];
  batch: Array<{ p: Pending; msg: NewMessage }>;
  /** One answer per message, the resent first; never rejects. */
  results: Promise<Inserted[]>;
  formed: number;
  placed: number;
}

export class MessageWriter {
  private queue: Pending[] = [];
  private writing = false;
  /** Sent, outcome unknown, in id order: resent ahead of every batch until the database answers. */
  private unresolved: NewMessage[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;
  private closed = false;

  constructor(
    private readonly publish: (message: MessageView) => void,
    private readonly sequence: RoomSequence,
    /** Told of a place that will stay empty, so that readers need not wait for it. */
    private readonly skipped: (roomId: string, seq: number) => void = () => undefined,
  ) {}

  /** Stores the message and publishes it; resolves once published (or found to be a retry). */
  write(draft: Draft): Promise<Posted> {
    if (this.unresolved.length >= MAX_UNRESOLVED) {
      return Promise.reject(new ChatError('unavailable', 'The database is unavailable; try again shortly.'));
    }
    return new Promise<Posted>((resolve, reject) => {
      this.queue.push({ draft, queuedAt: performance.now(), resolve, reject });
      this.start();
    });
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

  /**
   * One batch is being stored at a time, and the next is formed and sent the moment the answer for
   * the one before arrives, before that one is published: the database (its own thread) commits
   * batch k while this thread fans batch k-1 out, instead of each waiting for the other.
   */
  private async drain(): Promise<void> {
    let storing = await this.send();
    while (storing) {
      const results = await storing.results;
      const committed = performance.now();
      // Unresolved messages alone wait for the retry timer (the database may be down).
      const next = this.queue.length > 0 ? await this.send() : undefined;
      await this.deliver(storing.resent, storing.batch, results);
      this.noteTimes(storing, committed);
      storing = next ?? (this.queue.length > 0 ? await this.send() : undefined);
    }
    this.writing = false;
    if (this.unresolved.length > 0) this.scheduleRetry();
    else this.retryDelayMs = RETRY_MIN_MS;
  }

  /** Forms the next batch (the unresolved first), gives it places and starts storing it. */
  private async send(): Promise<Storing | undefined> {
    while (this.queue.length > 0 || this.unresolved.length > 0) {
      const taken = this.queue.splice(0, MAX_BATCH);
      const formed = performance.now();
      for (const p of taken) recordStage('queued', (formed - p.queuedAt) * 1000);
      const batch = await this.place(taken);
      const placed = performance.now();
      recordStage('place', (placed - formed) * 1000);
      const resent = this.unresolved;
      this.unresolved = [];
      const msgs = [...resent, ...batch.map((b) => b.msg)];
      if (msgs.length === 0) continue;
      recordStage('batch', msgs.length);
      const results = insertMessages(msgs).then(
        (r) => {
          recordSince('commit', placed);
          return r;
        },
        (err: unknown): Inserted[] => msgs.map(() => ({ error: err, whole: true })),
      );
      return { resent, batch, results, formed, placed };
    }
    return undefined;
  }

  private noteTimes(s: Storing, committed: number): void {
    const published = performance.now();
    for (const { p } of s.batch) {
      noteMessage({
        totalMs: published - p.queuedAt,
        queuedMs: s.formed - p.queuedAt,
        placeMs: s.placed - s.formed,
        commitMs: committed - s.placed,
        batch: s.resent.length + s.batch.length,
        atMs: p.queuedAt,
      });
    }
  }

  /** Gives each message an id and its place in its room; if no place can be had, none is stored. */
  private async place(taken: Pending[]): Promise<Array<{ p: Pending; msg: NewMessage }>> {
    if (taken.length === 0) return [];
    const counts = new Map<string, number>();
    for (const { draft } of taken) counts.set(draft.roomId, (counts.get(draft.roomId) ?? 0) + 1);
    let next: Map<string, number>;
    try {
      next = await this.sequence.take(counts);
    } catch {
      // Without a place a message cannot be ordered among other instances' (Redis is away).
      const refusal = new ChatError('unavailable', 'Messages cannot be ordered right now; try again shortly.');
      for (const p of taken) p.reject(refusal);
      return [];
    }
    return taken.map((p) => {
      const seq = next.get(p.draft.roomId) ?? 0;
      next.set(p.draft.roomId, seq + 1);
      return { p, msg: { ...p.draft, id: newMessageId(), seq } };
    });
  }

  private async deliver(
    resent: NewMessage[],
    batch: Array<{ p: Pending; msg: NewMessage }>,
    results: Inserted[],
  ): Promise<void> {
    // insertMessages answers each message, in order: the resent ones, then the batch.
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- one result per message
    const resultOf = (i: number): Inserted => results[i]!;
    resent.forEach((msg, i) => {
      const r = resultOf(i);
      // Stored: by this attempt or an earlier one. A duplicate was stored (and published) under
      // another id; a per-document refusal means it was not stored.
      if ('record' in r && !r.duplicate) this.publishSafely(r.record);
      else if ('error' in r && r.whole) this.unresolved.push(msg);
      else if (!('error' in r && r.error instanceof SeqTakenError)) this.skipped(msg.roomId, msg.seq);
    });
    let down: unknown;
    const again: Pending[] = [];
    batch.forEach(({ p, msg }, i) => {
      const r = resultOf(resent.length + i);
      if ('error' in r && r.error instanceof SeqTakenError) {
        again.push(p);
        return;
      }
      if ('error' in r && r.error instanceof IdTakenError) {
        // Not stored: its place stays empty, and it goes again with a new id and a new place.
        this.skipped(msg.roomId, msg.seq);
        again.push(p);
        return;
      }
      if ('error' in r) {
        if (r.whole && isOutcomeUnknown(r.error)) this.unresolved.push(msg);
        else this.skipped(msg.roomId, msg.seq);
        if (r.whole && isDatabaseUnavailable(r.error)) down = r.error;
        p.reject(r.error);
        return;
      }
      try {
        const message = toMessageView(r.record);
        if (r.duplicate) this.skipped(msg.roomId, msg.seq);
        else this.publish(message);
        p.resolve({ message, duplicate: r.duplicate });
      } catch (err) {
        p.reject(err);
      }
    });
    // The database just failed to answer: what queued meanwhile was never sent, and would only
    // wait out another deadline. Its senders hear now.
    if (down !== undefined) for (const p of this.queue.splice(0)) p.reject(down);
    // Their places were already taken (the room's counter had fallen behind): raise it, and they
    // go first in the next batch with new places.
    if (again.length > 0) {
      try {
        for (const roomId of new Set(again.map((p) => p.draft.roomId))) await this.sequence.resync(roomId);
        this.queue.unshift(...again);
      } catch (err) {
        for (const p of again) p.reject(err);
      }
    }
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
