// Keeps the transcript pinned to the newest message while the reader is at the bottom; once they
// have scrolled up, new messages raise a "New messages" button instead of moving the view.
import { t } from './i18n';

const NEAR_BOTTOM_PX = 48;

export class ScrollFollow {
  private unseen = 0;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly button: HTMLButtonElement,
  ) {
    button.addEventListener('click', () => this.toBottom(true));
    scroller.addEventListener(
      'scroll',
      () => {
        if (this.atBottom()) this.clearUnseen();
      },
      { passive: true },
    );
    // Keep the bottom in view when the transcript's box changes (phone keyboard, window resize).
    let wasAtBottom = true;
    scroller.addEventListener('scroll', () => (wasAtBottom = this.atBottom()), { passive: true });
    new ResizeObserver(() => {
      if (wasAtBottom) this.toBottom(false);
    }).observe(scroller);
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM_PX;
  }

  /** Runs `change` (which adds content at the end and says how much) and then follows or counts it. */
  append(change: () => number, forceFollow = false): number {
    const follow = forceFollow || this.atBottom();
    const added = change();
    if (added <= 0) return added;
    if (follow) this.toBottom(false);
    else {
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
  }

  toBottom(smooth: boolean): void {
    const s = this.scroller;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    s.scrollTo({ top: s.scrollHeight, behavior: smooth && !reduce ? 'smooth' : 'instant' });
    this.clearUnseen();
  }

  private clearUnseen(): void {
    this.unseen = 0;
    this.button.hidden = true;
  }
}
