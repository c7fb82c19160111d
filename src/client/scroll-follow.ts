// Keeps the transcript pinned to the newest message while the reader is at the bottom; once they
// have scrolled up, new messages raise a "New messages" button instead of moving the view.
// Nothing here measures layout per message: whether the reader follows is read once per scroll
// event, and the scroll to the bottom happens once per frame however many messages came in it.
// While the transcript is detached from the live end (live-window.ts) there is nothing to follow:
// the button stays up and jumps to the live end instead.
import { t } from './i18n';

const NEAR_BOTTOM_PX = 48;

export interface FollowOptions {
  scroller: HTMLElement;
  /** The transcript's element: its children are what `keepInPlace` holds still. */
  log: HTMLElement;
  button: HTMLButtonElement;
  /**
   * Runs in that frame just before the scroll: the place to let old messages go, so the scroller
   * never clamps between our scroll and the next (a clamp would read as the reader scrolling up).
   * It returns true to be run again in the next frame (it changed something).
   */
  beforeFollow: () => boolean;
  /** Whether the transcript is detached from the live end. */
  detached: () => boolean;
  /** The button while detached: bring the live end back and follow it. */
  jumpToLive: () => void;
}

export class ScrollFollow {
  private unseen = 0;
  /** Whether the reader is at the bottom (or was, and has only been carried down since). */
  private following = true;
  private lastTop = 0;
  private frame = 0;

  constructor(private readonly o: FollowOptions) {
    const scroller = o.scroller;
    o.button.addEventListener('click', () => (o.detached() ? o.jumpToLive() : this.toBottom(true)));
    scroller.addEventListener(
      'scroll',
      () => {
        // Moving down (our own scroll to the newest, or the reader's) never stops following; only
        // moving up away from the bottom does. A scroll that lands after more messages came in is
        // still ours, and must not read as the reader having left.
        const top = scroller.scrollTop;
        this.following = !o.detached() && (this.atBottom() || (this.following && top >= this.lastTop));
        this.lastTop = top;
        if (this.following && this.atBottom()) this.clearUnseen();
      },
      { passive: true },
    );
    // Keep the bottom in view when the transcript's box changes (phone keyboard, window resize).
    new ResizeObserver(() => {
      if (this.following) this.toBottom(false);
    }).observe(scroller);
  }

  atBottom(): boolean {
    const s = this.o.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM_PX;
  }

  /** Whether new messages at the end will be scrolled to. */
  get isFollowing(): boolean {
    return this.following;
  }

  /** Runs `change` (which adds content at the end and says how much) and then follows or counts it. */
  append(change: () => number, forceFollow = false): number {
    const follow = forceFollow || this.following;
    const added = change();
    if (added <= 0) return added;
    if (follow) {
      this.following = true;
      this.bottomNextFrame();
    } else {
      this.counted(added);
    }
    return added;
  }

  /** Messages the reader has not seen came (shown below, or not shown at all while detached). */
  counted(count: number): void {
    this.unseen += count;
    this.showButton();
  }

  /**
   * Runs `change` (which adds or takes away content above or below the view) without moving what
   * the reader is looking at: the first entry reaching into the view stays where it was on screen.
   */
  keepInPlace(change: () => void): void {
    const s = this.o.scroller;
    const anchor = this.firstInView();
    const before = anchor?.getBoundingClientRect().top;
    const fromBottom = s.scrollHeight - s.scrollTop;
    change();
    if (anchor?.isConnected && before !== undefined) s.scrollTop += anchor.getBoundingClientRect().top - before;
    else s.scrollTop = s.scrollHeight - fromBottom;
    this.lastTop = s.scrollTop;
  }

  toBottom(smooth: boolean): void {
    const s = this.o.scroller;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.following = true;
    s.scrollTo({ top: s.scrollHeight, behavior: smooth && !reduce ? 'smooth' : 'instant' });
    this.lastTop = s.scrollTop;
    this.clearUnseen();
  }

  /** The transcript was detached or attached again: what the button says, and whether to follow. */
  resync(): void {
    this.following = !this.o.detached() && this.atBottom();
    if (this.following) this.clearUnseen();
    else this.showButton();
  }

  /** One scroll to the bottom in the next frame, for everything added before it. */
  private bottomNextFrame(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // The reader may have scrolled up since (their scroll event comes before this frame).
      if (!this.following) return;
      const again = this.o.beforeFollow();
      this.toBottom(false);
      if (again) this.bottomNextFrame();
    });
  }

  /** Up while there is something below to go to: unseen messages, or the live end itself. */
  private showButton(): void {
    const b = this.o.button;
    b.hidden = this.unseen === 0 && !this.o.detached();
    b.textContent = this.unseen > 0 ? t('room.newMessagesCount', { count: this.unseen }) : t('room.newMessages');
  }

  private clearUnseen(): void {
    if (this.unseen === 0 && this.o.button.hidden) return;
    this.unseen = 0;
    this.showButton();
  }

  /** The first of the log's entries whose bottom is below the scroller's top edge (a binary search). */
  private firstInView(): Element | undefined {
    const items = this.o.log.children;
    const edge = this.o.scroller.getBoundingClientRect().top;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((items[mid]?.getBoundingClientRect().bottom ?? 0) <= edge) low = mid + 1;
      else high = mid;
    }
    return items[low];
  }
}
