// The transcript's DOM: confirmed messages in place order (`seq`, the order every instance
// delivers a room's messages in), each shown once, then my pending messages at the end, with a separator before each new day.
// Inserting a message touches only its place and its neighbours: a long session must not cost
// the square of its length. The DOM stays bounded, a window on the room: while the reader
// follows the newest, the oldest messages leave (dropOldest) and the history loader brings them
// back on scrolling up; while they read older pages, the newest leave (dropNewest) and the
// transcript is detached from the live end until newer pages bring it back (live-window.ts).
import type { MessageView } from '../shared/protocol';
import { el } from './dom';
import { messageElement } from './message-view';
import { dayKey, dayLabel } from './time-format';

const GROUP_WITHIN_MS = 5 * 60_000;
/** Confirmed messages kept in the DOM while the reader follows the newest. */
export const DOM_MESSAGES_KEPT = 500;

const isSeparator = (node: Element): boolean => node.classList.contains('day-sep');

function continues(previous: HTMLElement | null, node: HTMLElement): boolean {
  if (!previous || node.classList.contains('msg-system') || previous.classList.contains('msg-system')) return false;
  const author = node.dataset.authorId ?? '';
  if (!author || author !== previous.dataset.authorId) return false;
  const gap = Date.parse(node.dataset.createdAt ?? '') - Date.parse(previous.dataset.createdAt ?? '');
  return gap >= 0 && gap < GROUP_WITHIN_MS;
}

/** The message (confirmed or pending) before `node`, past any day separators. */
function messageBefore(node: Element): HTMLElement | null {
  let previous = node.previousElementSibling;
  while (previous && isSeparator(previous)) previous = previous.previousElementSibling;
  return previous as HTMLElement | null;
}

/** The message (confirmed or pending) after `node`, past any day separators. */
function messageAfter(node: Element): HTMLElement | null {
  let next = node.nextElementSibling;
  while (next && isSeparator(next)) next = next.nextElementSibling;
  return next as HTMLElement | null;
}

export class Transcript {
  private readonly byId = new Map<string, HTMLElement>();
  /** Confirmed ids, oldest first: the order the log shows them in (the server renders it so). */
  private readonly ids: string[] = [];
  /** Their places, in the same order. */
  private readonly seqs: number[] = [];
  /** Messages deleted while this page was open. */
  private readonly deletedIds = new Set<string>();
  /** Whether newer messages exist than the newest shown: they left, or were never put in. */
  private away = false;

  constructor(
    readonly log: HTMLElement,
    private readonly meId: string,
  ) {
    for (const node of log.querySelectorAll<HTMLElement>('[data-message-id]')) {
      const id = node.dataset.messageId;
      if (id && !this.byId.has(id)) {
        this.byId.set(id, node);
        this.ids.push(id);
        this.seqs.push(Number(node.dataset.seq));
      }
    }
    for (const child of [...log.children]) if (!isSeparator(child)) this.settle(child as HTMLElement);
    this.dropTrailingSeparators();
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The newest confirmed message id, for asking the server what was missed. */
  newestId(): string | undefined {
    return this.ids.at(-1);
  }

  oldestId(): string | undefined {
    return this.ids[0];
  }

  /** The places of the oldest and newest confirmed messages shown: the window's edges. */
  oldestSeq(): number | undefined {
    return this.seqs[0];
  }

  newestSeq(): number | undefined {
    return this.seqs.at(-1);
  }

  /** Newer messages than the newest shown exist: live ones must not be put after it. */
  get detached(): boolean {
    return this.away;
  }

  detach(): void {
    this.away = true;
  }

  /** The newest shown is the room's newest again (as far as this page knows). */
  attach(): void {
    this.away = false;
  }

  /** Adds a confirmed message unless it is already shown; returns its element if it was new. */
  add(message: MessageView, replacing?: HTMLElement): HTMLElement | null {
    if (replacing) this.remove(replacing);
    if (this.byId.has(message.id) || this.deletedIds.has(message.id)) return null;
    const node = messageElement(message, this.meId);
    this.insertConfirmed(node, message.id, message.seq);
    return node;
  }

  /** Adds a page of older messages (any order); returns how many were new. */
  addMany(messages: MessageView[]): number {
    let added = 0;
    for (const m of messages) {
      if (this.byId.has(m.id) || this.deletedIds.has(m.id)) continue;
      this.insertConfirmed(messageElement(m, this.meId), m.id, m.seq);
      added += 1;
    }
    return added;
  }

  /** Takes a confirmed message away (it was deleted); it is not added again if it comes back. */
  delete(id: string): boolean {
    this.deletedIds.add(id);
    const node = this.byId.get(id);
    if (!node) return false;
    const at = this.ids.indexOf(id);
    this.ids.splice(at, 1);
    this.seqs.splice(at, 1);
    this.byId.delete(id);
    this.remove(node);
    return true;
  }

  /**
   * Takes the oldest confirmed messages out of the DOM until `keep` are left; they are not deleted
   * and come back with the older pages. All at once: the layout that follows costs what stays, so
   * cutting 5,000 down in slices would lay the long transcript out once per slice. Returns how
   * many left.
   */
  dropOldest(keep = DOM_MESSAGES_KEPT): number {
    const count = this.ids.length - keep;
    if (count <= 0) return 0;
    this.takeOut(this.ids.splice(0, count));
    this.seqs.splice(0, count);
    const oldest = this.ids[0];
    this.settle(oldest === undefined ? null : (this.byId.get(oldest) ?? null));
    return count;
  }

  /**
   * Takes the newest confirmed messages out of the DOM until `keep` are left (all of them with 0),
   * in one cut as dropOldest does; the transcript is then detached from the live end. My pending
   * messages stay at the end. Returns how many left.
   */
  dropNewest(keep = DOM_MESSAGES_KEPT): number {
    const count = this.ids.length - Math.max(0, keep);
    if (count <= 0) return 0;
    this.takeOut(this.ids.splice(-count));
    this.seqs.splice(-count);
    this.away = true;
    // The first pending message (if any) now follows another message, or none.
    const newest = this.ids.at(-1);
    const newestNode = newest === undefined ? undefined : this.byId.get(newest);
    const next = newestNode ? messageAfter(newestNode) : (this.log.firstElementChild as HTMLElement | null);
    this.settle(next && isSeparator(next) ? messageAfter(next) : next);
    this.dropTrailingSeparators();
    return count;
  }

  /** Removes confirmed messages (already out of `ids`) and the day separator before each. */
  private takeOut(ids: string[]): void {
    for (const id of ids) {
      const node = this.byId.get(id);
      this.byId.delete(id);
      if (!node) continue;
      // The day separator before it goes with it; the message after it gets its own if it needs one.
      for (let sep = node.previousElementSibling; sep && isSeparator(sep);) {
        const earlier = sep.previousElementSibling;
        sep.remove();
        sep = earlier;
      }
      node.remove();
    }
  }

  appendPending(node: HTMLElement): void {
    if (node.parentElement === this.log) this.remove(node);
    this.log.append(node);
    this.settle(node);
  }

  /** How many confirmed messages come before place `seq`: where it goes. Most are the newest yet. */
  private placeOf(seq: number): number {
    const newest = this.seqs.at(-1);
    if (newest === undefined || newest < seq) return this.seqs.length;
    let low = 0;
    let high = this.seqs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.seqs[mid] ?? 0) < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private insertConfirmed(node: HTMLElement, id: string, seq: number): void {
    const at = this.placeOf(seq);
    // Right after the next older message (before any separator or pending one that follows it).
    const olderId = this.ids[at - 1];
    const older = olderId === undefined ? undefined : this.byId.get(olderId);
    if (older) older.after(node);
    else this.log.prepend(node);
    this.ids.splice(at, 0, id);
    this.seqs.splice(at, 0, seq);
    this.byId.set(id, node);
    this.settle(node);
    this.settle(messageAfter(node));
  }

  /** Takes a (pending) message out, and mends the join between its neighbours. */
  private remove(node: HTMLElement): void {
    const next = node.parentElement === this.log ? messageAfter(node) : null;
    node.remove();
    if (next) this.settle(next);
    else this.dropTrailingSeparators();
  }

  /**
   * Mends what sits between a message and the one before it: a day separator when the local day
   * changes there (reusing the one in place if it names that day) and none otherwise; and the
   * continuation mark of a message that follows its author's previous one within a few minutes.
   */
  private settle(node: HTMLElement | null): void {
    const created = node?.dataset.createdAt;
    if (!node || !created) return;
    const day = dayKey(created);
    const previous = messageBefore(node);
    const previousCreated = previous?.dataset.createdAt;
    const newDay = previousCreated === undefined || dayKey(previousCreated) !== day;
    const before = node.previousElementSibling as HTMLElement | null;
    const kept = newDay && before && isSeparator(before) && before.dataset.day === day ? before : null;
    for (let sep = node.previousElementSibling; sep && sep !== previous;) {
      const earlier = sep.previousElementSibling;
      if (sep !== kept) sep.remove();
      sep = earlier;
    }
    if (newDay && !kept) {
      node.before(
        el('div', { class: 'day-sep', role: 'separator', 'data-day': day }, [el('span', {}, [dayLabel(created)])]),
      );
    }
    node.classList.toggle('is-continued', !newDay && continues(previous, node));
  }

  /** A separator with no message after it separates nothing. */
  private dropTrailingSeparators(): void {
    let last = this.log.lastElementChild;
    while (last && isSeparator(last)) {
      last.remove();
      last = this.log.lastElementChild;
    }
  }
}
