// The message box: Enter sends, Shift+Enter makes a new line (and Enter while an IME is composing,
// e.g. typing Korean, finishes the character instead of sending). It grows with its text.
// The length limit comes from the textarea's maxlength (the template sets LIMITS.chatMaxChars):
// importing LIMITS here would pull zod into the browser bundle with the schemas beside it.
import { t } from './i18n';

const MAX_HEIGHT_PX = 160;

export function startComposer(
  form: HTMLFormElement,
  input: HTMLTextAreaElement,
  onSend: (text: string) => void,
  onTyping: () => void,
): void {
  const grow = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
  };

  input.addEventListener('keydown', (e) => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- Safari marks an IME's Enter only by keyCode 229
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    form.requestSubmit();
  });
  input.addEventListener('input', () => {
    grow();
    if (input.value.trim()) onTyping();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const limit = input.maxLength > 0 ? input.maxLength : Infinity;
    if (text.length > limit) {
      input.setCustomValidity(t('msg.tooLong', { limit }));
      input.reportValidity();
      return;
    }
    input.setCustomValidity('');
    onSend(text);
    input.value = '';
    grow();
    input.focus();
  });
}
