// Who is asking, for per-address budgets (room creation, uploads, sockets, new visitors), the same
// way on HTTP requests and WebSocket upgrades. Behind one trusted proxy (TRUST_PROXY) that is the
// last X-Forwarded-For entry, as Express's `trust proxy: 1` reads it; otherwise the peer address.
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .pop()
      ?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The key an address is counted under: an IPv4 address (also when IPv4-mapped) as itself, an
 * IPv6 address by its /64, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
