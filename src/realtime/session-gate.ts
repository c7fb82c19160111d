// Decides whether an HTTP upgrade may become a socket: right path, a Host this server answers to
// (against DNS rebinding), allowed Origin (against Cross-Site WebSocket Hijacking), and a session
// with a visitor in it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { hostRefusal, type HostCheck } from '../host-policy.js';
import { isAllowedOrigin } from '../origin-policy.js';
import type { Person } from '../shared/protocol.js';

/** What the hub needs from the session layer; src/http provides it. */
export interface SessionAccess {
  parse(req: IncomingMessage): Promise<{ sid: string; data: { visitor: Person; grants?: string[] } } | null>;
  load(sid: string): Promise<{ visitor: Person; grants?: string[] } | null>;
}

export interface UpgradePolicy {
  sessions: SessionAccess;
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  checkHost: (host: string | undefined) => HostCheck;
}

export type Refusal = { ok: false; status: 401 | 403 | 404 | 429 | 503; message?: string; retryAfterS?: number };
export type GateResult = { ok: true; sid: string; person: Person } | Refusal;

export async function checkUpgrade(req: IncomingMessage, policy: UpgradePolicy): Promise<GateResult> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/ws') return { ok: false, status: 404 };
  const host = policy.checkHost(req.headers.host);
  if (!host.ok) return { ok: false, status: 403, message: hostRefusal(host.name) };
  if (!isAllowedOrigin(req, policy.allowedOrigins, policy.trustProxy)) return { ok: false, status: 403 };
  try {
    const session = await policy.sessions.parse(req);
    if (!session) return { ok: false, status: 401 };
    return { ok: true, sid: session.sid, person: session.data.visitor };
  } catch {
    return { ok: false, status: 503 };
  }
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export function refuseUpgrade(socket: Duplex, refusal: Omit<Refusal, 'ok'>): void {
  const reason = REASONS[refusal.status] ?? 'Bad Request';
  const body = Buffer.from(refusal.message ?? reason);
  const retry = refusal.retryAfterS === undefined ? '' : `Retry-After: ${refusal.retryAfterS}\r\n`;
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `${retry}Content-Length: ${body.length}\r\n\r\n${body.toString()}`,
  );
}
