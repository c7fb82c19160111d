// One WebSocket to /ws that reconnects by itself: exponential backoff with full jitter, an
// immediate retry when the browser comes back online, and a status the page can show.
import type { ClientFrame, ServerFrame } from '../shared/protocol';
import { parseServerFrame } from './server-frames';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionHandlers {
  /** Called on every (re)open, before any queued frame; `reconnect` is false the first time. */
  onOpen(reconnect: boolean): void;
  onFrame(frame: ServerFrame): void;
  onStatus?(status: ConnectionStatus): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export function socketUrl(path = '/ws'): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

export class WsConnection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private opened = false;
  private timer: number | undefined;
  private stopped = false;
  status: ConnectionStatus = 'connecting';

  constructor(
    private readonly handlers: ConnectionHandlers,
    private readonly url = socketUrl(),
  ) {
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => this.setStatus('offline'));
    // Leaving the page closes the socket on purpose; do not show that as a lost connection.
    window.addEventListener('pagehide', () => this.stop());
    // Back/forward cache: the page comes back without reloading, so come back online with it.
    window.addEventListener('pageshow', (event) => {
      if (!event.persisted) return;
      this.stopped = false;
      this.retryNow();
    });
    this.connect();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open; returns false (and sends nothing) otherwise. */
  send(frame: ClientFrame): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.ws?.close(1000, 'page closed');
  }

  private connect(): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (!document.body.dataset.meId) {
      void this.identify();
      return;
    }
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      const reconnect = this.opened;
      this.opened = true;
      this.attempt = 0;
      this.setStatus('connected');
      this.handlers.onOpen(reconnect);
    });
    ws.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const frame = parseServerFrame(event.data);
      if (frame) this.handlers.onFrame(frame);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleReconnect();
    });
    // An error is always followed by close; the close handler does the work.
    ws.addEventListener('error', () => undefined);
  }

  /**
   * A page shown before this visitor had an identity (the lobby on a first visit) has no session
   * for the socket to use: GET /me makes one, then the socket can open.
   */
  private async identify(): Promise<void> {
    try {
      const res = await fetch('/me', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) throw new Error(`GET /me: ${res.status}`);
      const body = (await res.json()) as { me: { id: string } };
      document.body.dataset.meId = body.me.id;
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.connect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.setStatus(navigator.onLine ? 'reconnecting' : 'offline');
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }

  private retryNow(): void {
    if (this.stopped || this.isOpen) return;
    this.attempt = 0;
    this.ws?.close();
    this.connect();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus?.(status);
  }
}
