// GIF uploads: checked here first (real GIF bytes, size limit) so the reader gets a clear
// message at once, then sent with XMLHttpRequest for a progress bar and a cancel button. The
// server checks everything again.
import type { MessageView } from '../shared/protocol';
import { csrfToken, errorMessage } from './csrf';
import { pageLocale, t } from './i18n';

export interface UploadUi {
  box: HTMLElement;
  label: HTMLElement;
  progress: HTMLProgressElement;
  cancel: HTMLButtonElement;
  error: HTMLElement;
  /** The optional description of the next GIF (its alt text). */
  alt: HTMLInputElement;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why this file cannot be sent, or null if it looks like a GIF within the limit. */
export async function checkGif(file: File, maxBytes: number): Promise<string | null> {
  const name = file.name || t('upload.thisFile');
  if (file.size === 0) return t('upload.empty', { name });
  const head = new Uint8Array(await file.slice(0, 6).arrayBuffer());
  const magic = String.fromCharCode(...head);
  if (magic !== 'GIF87a' && magic !== 'GIF89a') {
    return t('upload.notGif', { name });
  }
  if (file.size > maxBytes) {
    return t('upload.tooBig', { name, size: formatBytes(file.size), max: formatBytes(maxBytes) });
  }
  return null;
}

const STATUS_TEXT = {
  403: 'upload.status403',
  404: 'upload.status404',
  413: 'upload.status413',
  415: 'upload.status415',
  429: 'upload.status429',
} as const;

function statusText(status: number): string {
  const key = (STATUS_TEXT as Record<number, (typeof STATUS_TEXT)[keyof typeof STATUS_TEXT]>)[status];
  return key ? t(key) : t('upload.failedStatus', { status });
}

export class Uploader {
  private xhr: XMLHttpRequest | null = null;

  constructor(
    private readonly roomId: string,
    private readonly maxBytes: number,
    private readonly ui: UploadUi,
    private readonly onPosted: (message: MessageView) => void,
  ) {
    ui.cancel.addEventListener('click', () => this.xhr?.abort());
  }

  get busy(): boolean {
    return this.xhr !== null;
  }

  showError(text: string): void {
    this.ui.error.textContent = text;
    this.ui.error.hidden = false;
  }

  clearError(): void {
    this.ui.error.hidden = true;
    this.ui.error.textContent = '';
  }

  async upload(file: File): Promise<void> {
    this.clearError();
    if (this.busy) {
      this.showError(t('upload.busy'));
      return;
    }
    const problem = await checkGif(file, this.maxBytes);
    if (problem) this.showError(problem);
    else this.send(file);
  }

  private send(file: File): void {
    const { box, label, progress } = this.ui;
    const alt = this.ui.alt.value;
    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    xhr.open('POST', `/room/${encodeURIComponent(this.roomId)}/gif`);
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    label.textContent = t('upload.progress', { name: file.name || 'GIF', size: formatBytes(file.size) });
    progress.value = 0;
    progress.removeAttribute('aria-valuetext');
    box.hidden = false;

    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
    });
    const finish = () => {
      this.xhr = null;
      box.hidden = true;
    };
    xhr.addEventListener('load', () => {
      finish();
      const body: unknown = xhr.response;
      if (xhr.status === 201 || xhr.status === 200) {
        const message = (body as { message?: MessageView } | null)?.message;
        // The description went with this GIF; the next one starts without.
        if (this.ui.alt.value === alt) this.ui.alt.value = '';
        if (message) this.onPosted(message);
        return;
      }
      // The server explains in English; other languages say what the status means.
      this.showError(pageLocale() === 'en' ? errorMessage(body, statusText(xhr.status)) : statusText(xhr.status));
    });
    xhr.addEventListener('error', () => {
      finish();
      this.showError(t('upload.lost'));
    });
    xhr.addEventListener('abort', () => {
      finish();
      this.showError(t('upload.cancelled'));
    });
    const form = new FormData();
    if (alt.trim()) form.append('alt', alt.trim());
    form.append('gif', file, file.name || 'upload.gif');
    xhr.send(form);
  }
}
