// CSRF protection for every state-changing route: a per-session synchronizer token, sent as the
// X-CSRF-Token header (fetch/XHR) or the _csrf form field, compared in constant time, plus an
// Origin check. SameSite=Lax cookies are the third layer.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { isAllowedOrigin } from '../origin-policy.js';
import { HttpError } from './http-error.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrfProtection(allowedOrigins: readonly string[], trustProxy: boolean) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (SAFE.has(req.method)) return next();
    if (!isAllowedOrigin(req, allowedOrigins, trustProxy)) {
      return next(new HttpError(403, 'bad_origin', 'Requests from other sites are not allowed.'));
    }
    const expected = req.session.csrfToken;
    const body = req.body as Record<string, unknown> | undefined;
    const sent = req.get('x-csrf-token') ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
    if (!expected || !sent || !sameToken(expected, sent)) {
      return next(new HttpError(403, 'bad_csrf', 'This form has expired; reload the page and try again.'));
    }
    next();
  };
}
