// Whisper mode of the composer: "Whispering to X" with a way out (the button or Escape). While it
// is on, what I send goes to X alone. It ends by itself if X leaves; follows X if X is renamed.
import type { MemberView, UserView } from '../shared/protocol';
import { t } from './i18n';

export interface WhisperUi {
  chip: HTMLElement;
  chipText: HTMLElement;
  cancel: HTMLButtonElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
}

export class WhisperMode {
  private to: UserView | null = null;
  private readonly placeholder: string;

  constructor(private readonly ui: WhisperUi) {
    this.placeholder = ui.input.placeholder;
    ui.cancel.addEventListener('click', () => {
      this.stop();
      ui.input.focus();
    });
    ui.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.to) {
        e.preventDefault();
        this.stop();
      }
    });
  }

  /** Who my next message goes to privately, or undefined for everyone. */
  get target(): UserView | undefined {
    return this.to ?? undefined;
  }

  start(user: UserView): void {
    this.to = { id: user.id, nickname: user.nickname, color: user.color };
    this.show();
    this.ui.input.focus();
  }

  stop(): void {
    this.to = null;
    this.ui.chip.hidden = true;
    this.ui.chipText.textContent = '';
    this.ui.input.placeholder = this.placeholder;
    this.ui.form.classList.remove('is-whisper');
  }

  /** Returns a notice to show if the person I was whispering to has left. */
  membersChanged(members: MemberView[]): string | null {
    if (!this.to) return null;
    const still = members.find((m) => m.id === this.to?.id);
    if (!still) {
      const name = this.to.nickname;
      this.stop();
      return t('whisper.gone', { name });
    }
    if (still.nickname !== this.to.nickname) {
      this.to = { id: still.id, nickname: still.nickname, color: still.color };
      this.show();
    }
    return null;
  }

  private show(): void {
    if (!this.to) return;
    const name = this.to.nickname;
    this.ui.chipText.textContent = t('whisper.chip', { name });
    this.ui.chip.hidden = false;
    this.ui.input.placeholder = t('whisper.placeholder', { name });
    this.ui.form.classList.add('is-whisper');
  }
}
