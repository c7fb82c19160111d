// My chat messages and whispers between "sent" and "stored": each has a clientId, shows as sending, is resent
// with the same clientId after a reconnect (the server drops duplicates), and on failure offers
// a retry. The server's `message` frame carrying that clientId replaces the pending bubble.
import type { UserView } from '../shared/protocol';
import { t } from './i18n';
import { markPending, pendingElement } from './message-view';

interface Pending {
  text: string;
  /** The recipient, for a whisper. */
  to: UserView | undefined;
  node: HTMLElement;
  state: 'sending' | 'acked' | 'failed';
  timer: number | undefined;
}

const ACK_TIMEOUT_MS = 15_000;

export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly me: UserView,
    /** Sends the frame now if possible; returns false when the socket is not ready. */
    private readonly transmit: (text: string, clientId: string, to: UserView | undefined) => boolean,
    private readonly show: (node: HTMLElement) => void,
  ) {}

  has(clientId: string): boolean {
    return this.pending.has(clientId);
  }

  send(text: string, to?: UserView): void {
    const clientId = newClientId();
    const node = pendingElement(text, this.me, clientId, to);
    const item: Pending = { text, to, node, state: 'sending', timer: undefined };
    this.pending.set(clientId, item);
    this.show(node);
    this.attempt(clientId, item);
  }

  /** The server stored it; the bubble stays until its `message` frame arrives to replace it. */
  acked(clientId: string): void {
    const item = this.pending.get(clientId);
    if (!item) return;
    window.clearTimeout(item.timer);
    item.state = 'acked';
    item.node.classList.remove('is-failed');
    item.node.querySelector('.msg-status')?.replaceChildren(t('msg.sent'));
    item.node.querySelector('.msg-retry')?.remove();
  }

  failed(clientId: string, reason: string): void {
    const item = this.pending.get(clientId);
    if (!item || item.state === 'acked') return;
    window.clearTimeout(item.timer);
    item.state = 'failed';
    markPending(item.node, 'failed', reason, () => this.retry(clientId));
  }

  /** Removes and returns the pending bubble the server's own copy replaces. */
  take(clientId: string): HTMLElement | undefined {
    const item = this.pending.get(clientId);
    if (!item) return undefined;
    window.clearTimeout(item.timer);
    this.pending.delete(clientId);
    return item.node;
  }

  /** After (re)joining: send again whatever has not been acknowledged. */
  resendAll(): void {
    for (const [clientId, item] of this.pending) if (item.state === 'sending') this.attempt(clientId, item);
  }

  retry(clientId: string): void {
    const item = this.pending.get(clientId);
    if (!item) return;
    item.state = 'sending';
    markPending(item.node, 'sending', '', () => undefined);
    this.attempt(clientId, item);
  }

  private attempt(clientId: string, item: Pending): void {
    window.clearTimeout(item.timer);
    // Not connected: it stays "sending" and goes out on the next join.
    if (!this.transmit(item.text, clientId, item.to)) return;
    item.timer = window.setTimeout(() => this.failed(clientId, t('msg.noAnswer')), ACK_TIMEOUT_MS);
  }
}
