// "guest-1a2b is typing…": shown for a few seconds after each typing frame from someone else;
// my own typing is announced at most every few seconds.
import type { UserView } from '../shared/protocol';
import { t } from './i18n';

const SHOW_MS = 4000;
const SEND_EVERY_MS = 3000;

export class TypingIndicator {
  private readonly typing = new Map<string, { name: string; timer: number }>();
  private lastSent = 0;

  constructor(
    private readonly line: HTMLElement,
    private readonly send: () => void,
  ) {}

  iAmTyping(): void {
    const now = Date.now();
    if (now - this.lastSent < SEND_EVERY_MS) return;
    this.lastSent = now;
    this.send();
  }

  someoneTyping(user: UserView): void {
    const current = this.typing.get(user.id);
    if (current) window.clearTimeout(current.timer);
    const timer = window.setTimeout(() => this.stopped(user.id), SHOW_MS);
    this.typing.set(user.id, { name: user.nickname, timer });
    this.render();
  }

  /** Their message arrived, so they are no longer typing it. */
  stopped(userId: string): void {
    const current = this.typing.get(userId);
    if (!current) return;
    window.clearTimeout(current.timer);
    this.typing.delete(userId);
    this.render();
  }

  private render(): void {
    const names = [...this.typing.values()].map((t) => t.name);
    const [first = '', second = ''] = names;
    this.line.textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? t('typing.one', { name: first })
          : names.length === 2
            ? t('typing.two', { first, second })
            : t('typing.many');
  }
}
