// The nickname form (lobby and room): saved in place with POST /me/nickname, the header updated,
// and a taken or invalid name explained beside the field. Without script it still posts and
// comes back to the same page.
import type { UserView } from '../shared/protocol';
import { errorMessage, jsonHeaders } from './csrf';
import { t } from './i18n';

function errorCode(body: unknown): string {
  const err = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof err?.code === 'string' ? err.code : '';
}

export function startNicknameForm(onRenamed: (me: UserView) => void): void {
  const form = document.querySelector<HTMLFormElement>('form.nickname-form');
  const input = form?.querySelector<HTMLInputElement>('input[name="nickname"]');
  const status = form?.querySelector<HTMLElement>('.nickname-status');
  if (!form || !input || !status) return;

  const say = (text: string, isError: boolean) => {
    status.textContent = text;
    status.classList.toggle('is-error', isError);
    if (isError) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };

  // Never rejects: every failure is said beside the form.
  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const wanted = input.value.trim();
    // Blank or too long is known here; only the server knows whether a name is taken.
    if (!wanted || (input.maxLength > 0 && wanted.length > input.maxLength)) {
      say(t('nickname.invalid'), true);
      return;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      const res = await fetch('/me/nickname', {
        method: 'POST',
        headers: jsonHeaders({ 'Content-Type': 'application/json' }),
        credentials: 'same-origin',
        body: JSON.stringify({ nickname: input.value }),
      });
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) {
        const code = errorCode(body);
        if (code === 'invalid') say(t('nickname.invalid'), true);
        else if (code === 'conflict') say(t('nickname.taken', { name: wanted }), true);
        else say(errorMessage(body, t('nickname.failed', { status: res.status })), true);
        return;
      }
      const me = (body as { me: UserView }).me;
      input.value = me.nickname;
      const header = document.querySelector<HTMLElement>('.site-header .me .nick');
      if (header) header.textContent = me.nickname;
      say(t('nickname.saved', { name: me.nickname }), false);
      onRenamed(me);
    } catch {
      say(t('nickname.failed', { status: '—' }), true);
    } finally {
      if (button) button.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => void submit(e));
}
