// The transcript's DOM: confirmed messages in id order (ids are ObjectIds, so they sort by time),
// each shown once, then my pending messages at the end, with a separator before each new day.
import type { MessageView } from '../shared/protocol';
import { el } from './dom';
import { messageElement } from './message-view';
import { dayKey, dayLabel } from './time-format';

const GROUP_WITHIN_MS = 5 * 60_000;

function continues(previous: HTMLElement | undefined, node: HTMLElement): boolean {
  if (!previous || node.classList.contains('msg-system') || previous.classList.contains('msg-system')) return false;
  const author = node.dataset.authorId ?? '';
  if (!author || author !== previous.dataset.authorId) return false;
  const gap = Date.parse(node.dataset.createdAt ?? '') - Date.parse(previous.dataset.createdAt ?? '');
  return gap >= 0 && gap < GROUP_WITHIN_MS;
}

export class Transcript {
  private readonly byId = new Map<string, HTMLElement>();

  constructor(
    readonly log: HTMLElement,
    private readonly meId: string,
  ) {
    for (const node of log.querySelectorAll<HTMLElement>('[data-message-id]')) {
      const id = node.dataset.messageId;
      if (id) this.byId.set(id, node);
    }
    this.refreshDays();
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The newest confirmed message id, for asking the server what was missed. */
  newestId(): string | undefined {
    let newest: string | undefined;
    for (const id of this.byId.keys()) if (newest === undefined || id > newest) newest = id;
    return newest;
  }

  oldestId(): string | undefined {
    let oldest: string | undefined;
    for (const id of this.byId.keys()) if (oldest === undefined || id < oldest) oldest = id;
    return oldest;
  }

  /** Adds a confirmed message unless it is already shown; returns its element if it was new. */
  add(message: MessageView, replacing?: HTMLElement): HTMLElement | null {
    if (this.byId.has(message.id)) {
      replacing?.remove();
      return null;
    }
    const node = messageElement(message, this.meId);
    replacing?.remove();
    this.insertConfirmed(node, message.id);
    this.byId.set(message.id, node);
    this.refreshDays();
    return node;
  }

  /** Adds a page of older messages (any order); returns how many were new. */
  addMany(messages: MessageView[]): number {
    let added = 0;
    for (const m of messages) {
      if (this.byId.has(m.id)) continue;
      const node = messageElement(m, this.meId);
      this.insertConfirmed(node, m.id);
      this.byId.set(m.id, node);
      added += 1;
    }
    if (added) this.refreshDays();
    return added;
  }

  appendPending(node: HTMLElement): void {
    this.log.append(node);
    this.refreshDays();
  }

  private insertConfirmed(node: HTMLElement, id: string): void {
    // Walk back from the end past pending messages and newer ones; most inserts stop at once.
    let cursor = this.log.lastElementChild;
    while (cursor) {
      const h = cursor as HTMLElement;
      const otherId = h.dataset.messageId;
      if (otherId !== undefined && otherId < id) break;
      cursor = cursor.previousElementSibling;
    }
    if (cursor) cursor.after(node);
    else this.log.prepend(node);
  }

  /**
   * Puts a day separator before the first message of each local day, and nowhere else; marks a
   * message that follows its author's previous one within a few minutes as a continuation.
   */
  refreshDays(): void {
    let previousDay: string | undefined;
    let previous: HTMLElement | undefined;
    for (const child of [...this.log.children]) {
      const node = child as HTMLElement;
      if (node.classList.contains('day-sep')) {
        const next = node.nextElementSibling;
        if (!next || next.classList.contains('day-sep')) node.remove();
        continue;
      }
      const created = node.dataset.createdAt;
      if (!created) continue;
      const day = dayKey(created);
      const before = node.previousElementSibling as HTMLElement | null;
      const hasSep = before?.classList.contains('day-sep') === true;
      if (day !== previousDay) {
        if (!hasSep || before.dataset.day !== day) {
          if (hasSep) before.remove();
          node.before(
            el('div', { class: 'day-sep', role: 'separator', 'data-day': day }, [el('span', {}, [dayLabel(created)])]),
          );
        }
      } else if (hasSep) {
        before.remove();
      }
      node.classList.toggle('is-continued', day === previousDay && continues(previous, node));
      previousDay = day;
      previous = node;
    }
  }
}
