// The owner's "Delete room" button: DELETE /room/:id with the CSRF header, then back to the lobby.
import { errorMessage, jsonHeaders } from './csrf';
import { t } from './i18n';

export function startRoomDelete(button: HTMLButtonElement, roomId: string, showError: (text: string) => void): void {
  // Never rejects: a failure is shown with showError.
  const remove = async (): Promise<void> => {
    if (!window.confirm(t('room.deleteConfirm'))) return;
    button.disabled = true;
    try {
      const res = await fetch(`/room/${encodeURIComponent(roomId)}`, {
        method: 'DELETE',
        headers: jsonHeaders(),
        credentials: 'same-origin',
      });
      if (!res.ok && res.status !== 404) {
        const body: unknown = await res.json().catch(() => null);
        throw new Error(errorMessage(body, t('room.deleteFailed', { status: res.status })));
      }
      window.location.assign('/');
    } catch (err) {
      button.disabled = false;
      showError(err instanceof Error ? err.message : t('room.deleteFailed', { status: '?' }));
    }
  };
  button.addEventListener('click', () => void remove());
}
