// Which Origins may act as a visitor: the app's own (the Host the request came to) and
// ALLOWED_ORIGINS. Used by the CSRF check on HTTP and by the WebSocket upgrade (CSWSH).
import type { IncomingMessage } from 'node:http';

export function isAllowedOrigin(req: IncomingMessage, allowed: readonly string[], trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  const host = req.headers.host;
  if (!host) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  const forwardedProto = trustProxy
    ? String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = forwardedProto || (encrypted ? 'https' : 'http');
  return parsed.host === host && parsed.protocol === `${scheme}:`;
}
