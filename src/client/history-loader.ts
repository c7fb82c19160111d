// Loads older pages of the transcript (GET /room/:id/messages?before=<oldest id>) as the reader
// nears the top, and keeps loading while the transcript is too short to scroll. The same pages
// bring back messages the transcript let go of to stay bounded.
import type { MessageView } from '../shared/protocol';
import { errorMessage } from './csrf';
import { t } from './i18n';

export interface HistoryPage {
  messages: MessageView[];
  hasMore: boolean;
}

const NEAR_TOP_PX = 120;

/** Where a page is read from: older than `before`, newer than `after`, or (neither) the latest. */
export interface PagePlace {
  before?: string | undefined;
  /** The place of `before`: the server then reads the page in one go. */
  beforeSeq?: number | undefined;
  after?: string | undefined;
  /** The place of `after`, likewise. */
  afterSeq?: number | undefined;
}

export async function fetchPage(roomId: string, place: PagePlace, limit = 50): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (place.before) {
    query.set('before', place.before);
    if (place.beforeSeq) query.set('beforeSeq', String(place.beforeSeq));
  } else if (place.after) {
    query.set('after', place.after);
    if (place.afterSeq) query.set('afterSeq', String(place.afterSeq));
  }
  const res = await fetch(`/room/${encodeURIComponent(roomId)}/messages?${query}`, {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(errorMessage(body, t('history.failedStatus', { status: res.status })));
  return body as HistoryPage;
}

export class HistoryLoader {
  private loading = false;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly status: HTMLElement,
    private readonly roomId: string,
    private hasMore: boolean,
    private readonly oldestId: () => string | undefined,
    private readonly oldestSeq: () => number | undefined,
    private readonly insertOlder: (messages: MessageView[]) => void,
  ) {
    scroller.addEventListener('scroll', () => this.maybeLoad(), { passive: true });
    this.showStatus();
  }

  /** Older messages left the transcript (it keeps a bounded number): they can be loaded again. */
  olderLeft(): void {
    if (this.hasMore) return;
    this.hasMore = true;
    this.showStatus();
  }

  /** Loads a page if the reader is near the top (or the transcript does not fill its box). */
  maybeLoad(): void {
    if (!this.hasMore || this.loading) return;
    if (this.scroller.scrollTop > NEAR_TOP_PX) return;
    void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.status.textContent = t('history.loading');
    try {
      const before = this.oldestId();
      const page = await fetchPage(this.roomId, { before, beforeSeq: this.oldestSeq() });
      this.loading = false;
      // The window moved meanwhile (newer pages let the oldest go, or it jumped to the live end):
      // this page would leave a gap above it. Ask again from where it stands now.
      if (this.oldestId() !== before) {
        this.showStatus();
        requestAnimationFrame(() => this.maybeLoad());
        return;
      }
      this.hasMore = page.hasMore;
      this.insertOlder(page.messages);
      this.showStatus();
      // Still at the top (short pages, tall window)? Keep going on the next frame.
      requestAnimationFrame(() => this.maybeLoad());
    } catch (err) {
      this.loading = false;
      this.status.textContent = err instanceof Error ? err.message : t('history.failed');
    }
  }

  private showStatus(): void {
    this.status.textContent = this.hasMore ? t('room.olderHint') : t('room.start');
  }
}
