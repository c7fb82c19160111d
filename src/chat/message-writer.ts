// Group commit with ordered publishing. Messages posted while earlier batches are being stored
// queue up and go to the database together in one insertMany; up to MAX_IN_FLIGHT batches are
// written at once (so a message waits for at most its own commit, not a whole earlier one too),
// and batches are published strictly one after another, each in one turn, so the hub's per-turn
// write coalescing sends a socket a whole batch in one write.
//
// Ids are given when a batch is formed, from one in-process counter, so every message is
// published in id order: a socket that has seen id X has seen every published id below X. That
// is what makes catch-up "after X, below the boundary" exact.
import type { MessageView } from '../shared/protocol.js';
import { insertMessages, newMessageId, type Inserted, type NewMessage } from '../store/message-repository.js';
import { toMessageView } from './views.js';

/** The most messages one insert carries; more wait for the next. */
const MAX_BATCH = 512;
/** Batches being stored at once. */
const MAX_IN_FLIGHT = 3;

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
  private scheduled = false;
  private inFlight = 0;
  /** First ids of the batches stored or being stored but not yet published, oldest first. */
  private readonly unpublished: string[] = [];
  /** The end of the chain that publishes batches in order. */
  private published: Promise<void> = Promise.resolve();

  constructor(private readonly publish: (message: MessageView) => void) {}

  /** Stores the message and publishes it; resolves once published (or found to be a retry). */
  write(draft: Draft): Promise<Posted> {
    return new Promise<Posted>((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Everything posted in this turn joins the same batch.
      queueMicrotask(() => {
        this.scheduled = false;
        this.startBatches();
      });
    });
  }

  /**
   * An id above every message published so far and at or below every one still to be: where a
   * catch-up taken now ends and the live messages from now on begin.
   */
  boundary(): string {
    return this.unpublished[0] ?? newMessageId();
  }

  private startBatches(): void {
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const msgs = batch.map((p) => ({ ...p.draft, id: newMessageId() }));
      this.unpublished.push(msgs[0]!.id);
      this.inFlight++;
      const stored = insertMessages(msgs);
      this.published = this.published
        .then(() => stored)
        .then(
          (results) => this.deliver(batch, results),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          this.unpublished.shift();
          this.inFlight--;
          this.startBatches();
        });
    }
  }

  private deliver(batch: Pending[], results: Inserted[]): void {
    batch.forEach((p, i) => {
      const r = results[i]!;
      if ('error' in r) return p.reject(r.error);
      try {
        const message = toMessageView(r.record);
        if (!r.duplicate) this.publish(message);
        p.resolve({ message, duplicate: r.duplicate });
      } catch (err) {
        p.reject(err);
      }
    });
  }
}
