// While the tab is hidden, the title counts the messages that arrived: "(3) Room · GIF chat".
export class UnreadTitle {
  private unread = 0;
  private readonly base = document.title;

  constructor() {
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.reset();
    });
  }

  /** Counts one message from someone else if the reader cannot see the page. */
  arrived(): void {
    if (!document.hidden) return;
    this.unread += 1;
    document.title = `(${this.unread}) ${this.base}`;
  }

  private reset(): void {
    this.unread = 0;
    document.title = this.base;
  }
}
