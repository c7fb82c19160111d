// CSRF protection for every state-changing route: a token sent as the X-CSRF-Token header
// (fetch/XHR) or the _csrf form field, compared in constant time, plus an Origin check.
// SameSite=Lax cookies are the third layer.
//
// Where the token comes from: a visitor with a stored session has one kept in it. A page shown
// before there is a session (the lobby, the create form) still needs working forms, and storing a
// session for each such view is what let strangers fill the database; so it gets a token derived
// from a random cookie (gifchat.csrf) with an HMAC under the cookie secret: a signed double-submit
// token. Another site can neither read the cookie nor compute the HMAC. Either token is accepted.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { isAllowedOrigin } from '../origin-policy.js';
import { HttpError } from './http-error.js';

export const CSRF_COOKIE = 'gifchat.csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const SEED = /^[A-Za-z0-9_-]{32}$/;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface CsrfTokens {
  /** The token for this visitor's forms; may set the seed cookie, so call it before the response. */
  tokenFor(req: Request, res: Response): string;
  protection(
    allowedOrigins: readonly string[],
    trustProxy: boolean,
  ): (req: Request, res: Response, next: NextFunction) => void;
}

export function csrfTokens(secret: string): CsrfTokens {
  const sign = (seed: string) => createHmac('sha256', secret).update(`csrf:${seed}`).digest('base64url');
  const seedOf = (req: Request): string | undefined => {
    const seed: unknown = req.cookies[CSRF_COOKIE];
    return typeof seed === 'string' && SEED.test(seed) ? seed : undefined;
  };
  const storedToken = (req: Request): string | undefined => {
    // express-session leaves req.session unset while its store is disconnected.
    const session = req.session as Request['session'] | undefined;
    return session?.visitor ? session.csrfToken : undefined;
  };

  return {
    tokenFor(req, res) {
      const stored = storedToken(req);
      if (stored) return stored;
      let seed = seedOf(req);
      if (!seed) {
        seed = randomBytes(24).toString('base64url');
        res.cookie(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
        (req.cookies as Record<string, string>)[CSRF_COOKIE] = seed;
      }
      return sign(seed);
    },

    protection(allowedOrigins, trustProxy) {
      return (req, _res, next) => {
        if (SAFE.has(req.method)) return next();
        if (!isAllowedOrigin(req, allowedOrigins, trustProxy)) {
          return next(new HttpError(403, 'bad_origin', 'Requests from other sites are not allowed.'));
        }
        const body = req.body as Record<string, unknown> | undefined;
        const sent = req.get('x-csrf-token') ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
        const stored = storedToken(req);
        const seed = seedOf(req);
        const valid =
          sent !== undefined &&
          ((stored !== undefined && sameToken(stored, sent)) || (seed !== undefined && sameToken(sign(seed), sent)));
        if (!valid)
          return next(new HttpError(403, 'bad_csrf', 'This form has expired; reload the page and try again.'));
        next();
      };
    },
  };
}
