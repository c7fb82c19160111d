// The one error middleware: a proper status, a page for browsers and JSON for API callers.
// Unexpected errors are logged and shown as 500 without internals.
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../chat/chat-error.js';
import { HttpError, toHttpError } from './http-error.js';
import { errorText } from './locale.js';
import { wantsHtml } from './negotiate.js';

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'not_found', 'There is nothing at this address.'));
}

function fromBodyParser(err: unknown): HttpError | undefined {
  const e = err as { type?: unknown; status?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.too.large') return new HttpError(413, 'too_large', 'The request body is too large.');
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'bad_json', 'The request body is not valid JSON.');
  return new HttpError(e.status >= 400 && e.status < 500 ? e.status : 400, 'bad_request', 'The request could not be read.');
}

export function errorHandler(log: (err: unknown) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let httpErr = toHttpError(err) ?? fromBodyParser(err);
    if (!httpErr) {
      const unavailable = isDatabaseUnavailable(err);
      if (!unavailable) log(err);
      httpErr = unavailable
        ? new HttpError(503, 'unavailable', 'The database is unavailable; try again shortly.')
        : new HttpError(500, 'internal', 'Something went wrong on our side.');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpErr.status);
    if (httpErr.retryAfterSeconds !== undefined) res.set('Retry-After', String(httpErr.retryAfterSeconds));
    if (wantsHtml(req)) {
      res.render('error', { status: httpErr.status, message: errorText(res, httpErr.code, httpErr.message) });
    } else {
      res.json({ error: { code: httpErr.code, message: httpErr.message } });
    }
  };
}
