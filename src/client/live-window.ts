// The transcript as a window on the room: about DOM_MESSAGES_KEPT messages (and a page) whichever
// way the reader goes. Loading older pages lets the newest go (the transcript is then detached from
// the live end, and live messages are not put in); scrolling back down brings them back a page at
// a time (GET /room/:id/messages?after=<newest shown>), letting the oldest go, and the page that
// reaches the newest attaches the transcript again. The "New messages" button jumps straight there.
//
// No message is lost or shown twice on the way back. A live message is sent only once it is stored,
// so every page asked for after it came holds it (or says there is more). Only the request in
// flight when it came may have been read before it was stored: the live messages that come while
// a request is in flight are held (by id, so a catch-up repeating one holds it once) and merged
// when its page is in. The transcript shows each id once, so those the page has too are not
// doubled; those it missed (stored after it was read: newer, or late into a gap of its range) take
// their place by `seq`. Held messages newer than a page that says "more" are let go: the next
// request, asked after they came, has them. So the buffer only ever holds what comes during one
// request; past HELD_MAX that page is not trusted and is asked for again.
import type { MessageView } from '../shared/protocol';
import { fetchPage, type HistoryPage, type PagePlace } from './history-loader';
import { t } from './i18n';
import type { ScrollFollow } from './scroll-follow';
import { DOM_MESSAGES_KEPT, type Transcript } from './transcript';

const PAGE = 50;
/** While the reader is away from the end, live messages are put in until the window holds this many. */
const WINDOW_MAX = DOM_MESSAGES_KEPT + PAGE;
const NEAR_BOTTOM_PX = 120;
const HELD_MAX = 1000;
const RETRY_MS = 2000;

/** A page on its way, and the live messages that came meanwhile. */
interface Request {
  held: Map<string, MessageView>;
  overflowed: boolean;
}

export interface LiveWindowOptions {
  roomId: string;
  scroller: HTMLElement;
  transcript: Transcript;
  follow: () => ScrollFollow;
  /** Older messages left the DOM: the history loader may bring them back. */
  olderLeft: () => void;
  meId: string;
  /** The pending bubble of mine that `m` confirms, taken out of the outbox; undefined for others'. */
  pendingFor: (m: MessageView) => HTMLElement | undefined;
  /** A page could not be loaded. */
  failed: (text: string) => void;
}

export class LiveWindow {
  private request: Request | undefined;
  private jumping = false;
  private retryAt = 0;

  constructor(private readonly o: LiveWindowOptions) {
    o.scroller.addEventListener('scroll', () => this.maybeLoad(), { passive: true });
  }

  private get transcript(): Transcript {
    return this.o.transcript;
  }

  /**
   * Whether a live message must go through `arrived` rather than at the end: the transcript is
   * detached, or it is about to be because the window is full and the reader is not following
   * (reading something above, where 50 messages a second would pile up unseen below).
   */
  holdsBack(following: boolean): boolean {
    const t = this.transcript;
    if (!t.detached && !following && t.size >= WINDOW_MAX) {
      t.detach();
      this.o.follow().resync();
    }
    return t.detached;
  }

  /**
   * A live (or catch-up) message while detached; returns whether it is new to this page. Newer
   * than the window: not shown but counted on the button (unless mine), and held if a page is in
   * flight. Inside it: a late one, put in its place now. Older: the older pages, read after it was
   * stored, bring it.
   */
  arrived(m: MessageView): boolean {
    const newest = this.transcript.newestSeq() ?? -Infinity;
    const oldest = this.transcript.oldestSeq() ?? -Infinity;
    if (m.seq > newest) {
      const request = this.request;
      if (request && !request.overflowed) {
        request.held.set(m.id, m);
        if (request.held.size > HELD_MAX) {
          request.overflowed = true;
          request.held.clear();
        }
      }
      if (m.author?.id !== this.o.meId) this.o.follow().counted(1);
      return true;
    }
    return m.seq >= oldest && this.show([m]) > 0;
  }

  /** An older page came in at the top: the newest beyond the window leave, and the transcript detaches. */
  insertOlder(messages: MessageView[]): void {
    let dropped = 0;
    this.o.follow().keepInPlace(() => {
      this.show(messages);
      dropped = this.transcript.dropNewest(DOM_MESSAGES_KEPT);
    });
    if (dropped > 0) this.o.follow().resync();
  }

  /** Loads the next newer page if detached and the reader is near the bottom. */
  maybeLoad(): void {
    if (!this.transcript.detached || this.request || Date.now() < this.retryAt) return;
    const s = this.o.scroller;
    if (s.scrollHeight - s.scrollTop - s.clientHeight > NEAR_BOTTOM_PX) return;
    const after = this.transcript.newestId();
    if (after === undefined) this.jumpToLive();
    else
      void this.load({ after, afterSeq: this.transcript.newestSeq() }, (page, held) =>
        this.insertNewer(after, page, held),
      );
  }

  /**
   * Replaces the window with the latest page and follows it (the button while detached, and
   * sending or uploading, which the sender expects to see at the end as chat apps show it).
   */
  jumpToLive(): void {
    if (this.jumping) return;
    this.jumping = true;
    void this.load({}, (page, held) => {
      const t = this.transcript;
      if (t.detached) {
        t.dropNewest(0);
        this.show(page.messages);
        t.attach();
        const oldest = t.oldestSeq() ?? -Infinity;
        this.show(held.filter((m) => m.seq >= oldest));
        if (page.hasMore) this.o.olderLeft();
      }
      this.o.follow().toBottom(false);
    }).finally(() => (this.jumping = false));
  }

  /**
   * One request at a time; a later one (a jump) supersedes the one in flight, whose page is then
   * dropped. `apply` gets the page and what was held meanwhile, oldest first.
   */
  private async load(place: PagePlace, apply: (page: HistoryPage, held: MessageView[]) => void): Promise<void> {
    const request: Request = { held: new Map(), overflowed: false };
    this.request = request;
    try {
      const page = await fetchPage(this.o.roomId, place, PAGE);
      if (this.request !== request) return;
      this.request = undefined;
      // Too much came meanwhile to have kept it all: ask again (it is all stored now).
      if (request.overflowed) {
        requestAnimationFrame(() => (place.after === undefined ? this.jumpToLive() : this.maybeLoad()));
        return;
      }
      apply(
        page,
        [...request.held.values()].sort((a, b) => a.seq - b.seq),
      );
    } catch {
      // A jump superseded it: nothing failed that the reader asked for.
      if (this.request !== request) return;
      this.request = undefined;
      this.retryAt = Date.now() + RETRY_MS;
      this.o.failed(t('history.newerFailed'));
    }
  }

  /** A newer page came in at the end: the oldest beyond the window leave; at the newest, attach. */
  private insertNewer(after: string, page: HistoryPage, held: MessageView[]): void {
    const t = this.transcript;
    // The window moved meanwhile (an older page let the newest go): ask from where it stands now.
    if (!t.detached || t.newestId() !== after) {
      requestAnimationFrame(() => this.maybeLoad());
      return;
    }
    let dropped = 0;
    this.o.follow().keepInPlace(() => {
      this.show(page.messages);
      const oldest = t.oldestSeq() ?? -Infinity;
      const newest = t.newestSeq() ?? -Infinity;
      if (!page.hasMore) t.attach();
      this.show(held.filter((m) => m.seq >= oldest && (!page.hasMore || m.seq <= newest)));
      dropped = t.dropOldest(DOM_MESSAGES_KEPT);
    });
    if (dropped > 0) this.o.olderLeft();
    if (!page.hasMore) this.o.follow().resync();
    // Still near the bottom (a short page, a tall window)? Keep going on the next frame.
    requestAnimationFrame(() => this.maybeLoad());
  }

  /** Puts confirmed messages in their places, each replacing my pending bubble it confirms; returns how many were new. */
  private show(messages: MessageView[]): number {
    let added = 0;
    for (const m of messages) if (this.transcript.add(m, this.o.pendingFor(m))) added += 1;
    return added;
  }
}
