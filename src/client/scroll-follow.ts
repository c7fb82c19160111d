// Keeps the transcript pinned to the newest message while the reader is at the bottom; once they
// have scrolled up, new messages raise a "New messages" button instead of moving the view.
// Nothing here measures layout per message: whether the reader follows is read once per scroll
// event, and the scroll to the bottom happens once per frame however many messages came in it.
import { t } from './i18n';

const NEAR_BOTTOM_PX = 48;

export class ScrollFollow {
  private unseen = 0;
  /** Whether the reader is at the bottom (or was, and has only been carried down since). */
  private following = true;
  private lastTop = 0;
  private frame = 0;

  /**
   * `beforeFollow` runs in that frame just before the scroll: the place to let old messages go, so
   * the scroller never clamps between our scroll and the next (a clamp would read as the reader
   * scrolling up). It returns true to be run again in the next frame (it changed something).
   */
  constructor(
    private readonly scroller: HTMLElement,
    private readonly button: HTMLButtonElement,
    private readonly beforeFollow: () => boolean = () => false,
  ) {
    button.addEventListener('click', () => this.toBottom(true));
    scroller.addEventListener(
      'scroll',
      () => {
        // Moving down (our own scroll to the newest, or the reader's) never stops following; only
        // moving up away from the bottom does. A scroll that lands after more messages came in is
        // still ours, and must not read as the reader having left.
        const top = scroller.scrollTop;
        this.following = this.atBottom() || (this.following && top >= this.lastTop);
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
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM_PX;
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
      this.unseen += added;
      this.button.textContent = t('room.newMessagesCount', { count: this.unseen });
      this.button.hidden = false;
    }
    return added;
  }

  /** Runs `change` (which adds content at the top) without moving what the reader is looking at. */
  prepend(change: () => void): void {
    const s = this.scroller;
    const before = s.scrollHeight - s.scrollTop;
    change();
    s.scrollTop = s.scrollHeight - before;
    this.lastTop = s.scrollTop;
  }

  toBottom(smooth: boolean): void {
    const s = this.scroller;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.following = true;
    s.scrollTo({ top: s.scrollHeight, behavior: smooth && !reduce ? 'smooth' : 'instant' });
    this.lastTop = s.scrollTop;
    this.clearUnseen();
  }

  /** One scroll to the bottom in the next frame, for everything added before it. */
  private bottomNextFrame(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // The reader may have scrolled up since (their scroll event comes before this frame).
      if (!this.following) return;
      const again = this.beforeFollow();
      this.toBottom(false);
      if (again) this.bottomNextFrame();
    });
  }

  private clearUnseen(): void {
    if (this.unseen === 0 && this.button.hidden) return;
    this.unseen = 0;
    this.button.hidden = true;
  }
}
