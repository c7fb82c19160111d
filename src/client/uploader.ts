// GIF uploads: checked here first (real GIF bytes, size limit) so the reader gets a clear
// message at once, then sent with XMLHttpRequest for a progress bar and a cancel button. The
// server checks everything again.
import type { MessageView } from '../shared/protocol';
import { csrfToken, errorMessage } from './csrf';

export interface UploadUi {
  box: HTMLElement;
  label: HTMLElement;
  progress: HTMLProgressElement;
  cancel: HTMLButtonElement;
  error: HTMLElement;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why this file cannot be sent, or null if it looks like a GIF within the limit. */
export async function checkGif(file: File, maxBytes: number): Promise<string | null> {
  const name = file.name || 'This file';
  if (file.size === 0) return `${name} is empty.`;
  const head = new Uint8Array(await file.slice(0, 6).arrayBuffer());
  const magic = String.fromCharCode(...head);
  if (magic !== 'GIF87a' && magic !== 'GIF89a') {
    return `${name} is not a GIF. Only GIF images can be shared here.`;
  }
  if (file.size > maxBytes) {
    return `${name} is ${formatBytes(file.size)}; GIFs can be at most ${formatBytes(maxBytes)}.`;
  }
  return null;
}

const STATUS_TEXT: Record<number, string> = {
  403: 'You cannot post to this room.',
  404: 'This room no longer exists.',
  413: 'That GIF is too large.',
  415: 'That file is not a GIF.',
  429: 'You are uploading too fast; wait a moment.',
};

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
    if (this.busy) return this.showError('Wait for the current upload to finish, or cancel it.');
    const problem = await checkGif(file, this.maxBytes);
    if (problem) return this.showError(problem);
    this.send(file);
  }

  private send(file: File): void {
    const { box, label, progress } = this.ui;
    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    xhr.open('POST', `/room/${encodeURIComponent(this.roomId)}/gif`);
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    label.textContent = `Uploading ${file.name || 'GIF'} (${formatBytes(file.size)})…`;
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
        if (message) this.onPosted(message);
        return;
      }
      this.showError(errorMessage(body, STATUS_TEXT[xhr.status] ?? `The upload failed (${xhr.status}).`));
    });
    xhr.addEventListener('error', () => {
      finish();
      this.showError('The upload failed: the connection was lost. Try again.');
    });
    xhr.addEventListener('abort', () => {
      finish();
      this.showError('Upload cancelled.');
    });
    const form = new FormData();
    form.append('gif', file, file.name || 'upload.gif');
    xhr.send(form);
  }
}
