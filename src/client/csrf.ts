// The per-session CSRF token the layout puts in <meta name="csrf-token">.
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

/** Headers for a state-changing same-origin request that wants a JSON answer. */
export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { Accept: 'application/json', 'X-CSRF-Token': csrfToken(), ...extra };
}

/** The server's JSON error body `{error: {code, message}}`, if that is what came back. */
export function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const err = body.error;
    if (typeof err === 'object' && err !== null && 'message' in err) {
      const message = err.message;
      if (typeof message === 'string' && message) return message;
    }
  }
  return fallback;
}
