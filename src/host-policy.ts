// Which names this server answers to, against DNS rebinding: a page on evil.example whose name
// is made to resolve to 127.0.0.1 reaches us with Host and Origin both "evil.example", so the
// Origin check alone passes it. As dev servers do (webpack-dev-server allowedHosts, Vite
// server.allowedHosts), a DNS name in Host must be on a list: localhost names always, the
// PUBLIC_URL host and ALLOWED_HOSTS. IP literals need no DNS, so they cannot be rebound.
import { isIP } from 'node:net';

/** "name" or "[v6]" with an optional port; nothing else (no userinfo, path or spaces). */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^\s:[\]/\\@?#]+)(?::\d{1,5})?$/i;

export type HostCheck = { ok: true } | { ok: false; name: string };

export function hostPolicy(
  allowedHosts: readonly string[],
  publicUrl: string | undefined,
): (host: string | undefined) => HostCheck {
  const names = allowedHosts.map(normalize);
  if (publicUrl) names.push(normalize(new URL(publicUrl).hostname));
  const anyHost = names.includes('*');

  const allowedName = (name: string) =>
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    names.some((entry) => (entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry));

  return (host) => {
    const raw = HOST_HEADER.exec(host ?? '')?.[1];
    if (raw === undefined) return { ok: false, name: host ?? '' };
    if (raw.startsWith('[')) return isIP(raw.slice(1, -1)) === 6 ? { ok: true } : { ok: false, name: raw };
    const name = normalize(raw);
    if (isIP(name) === 4 || anyHost || allowedName(name)) return { ok: true };
    return { ok: false, name };
  };
}

/** Lower case, without the root's trailing dot ("Example.COM." is "example.com"). */
function normalize(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') && lower !== '.' ? lower.slice(0, -1) : lower;
}

export function hostRefusal(name: string): string {
  return (
    `This server does not answer to the host name "${name}". ` +
    'To allow it, set PUBLIC_URL or add it to ALLOWED_HOSTS.'
  );
}
