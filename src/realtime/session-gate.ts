// Decides whether an HTTP upgrade may become a socket: right path, allowed Origin (against
// Cross-Site WebSocket Hijacking), and a session with a visitor in it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isAllowedOrigin } from '../origin-policy.js';
import type { Person } from '../store/room-repository.js';

/** What the hub needs from the session layer; src/http provides it. */
export interface SessionAccess {
  parse(req: IncomingMessage): Promise<{ sid: string; data: { visitor: Person; grants?: string[] } } | null>;
  load(sid: string): Promise<{ visitor: Person; grants?: string[] } | null>;
}

export type GateResult = { ok: true; sid: string; person: Person } | { ok: false; status: 401 | 403 | 404 | 503 };

export async function checkUpgrade(
  req: IncomingMessage,
  sessions: SessionAccess,
  allowedOrigins: readonly string[],
  trustProxy: boolean,
): Promise<GateResult> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/ws') return { ok: false, status: 404 };
  if (!isAllowedOrigin(req, allowedOrigins, trustProxy)) return { ok: false, status: 403 };
  try {
    const session = await sessions.parse(req);
    if (!session) return { ok: false, status: 401 };
    return { ok: true, sid: session.sid, person: session.data.visitor };
  } catch {
    return { ok: false, status: 503 };
  }
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

export function refuseUpgrade(socket: Duplex, status: number): void {
  const reason = REASONS[status] ?? 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}
