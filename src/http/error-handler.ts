// The one error middleware: a proper status, a page for browsers and JSON for API callers.
// Unexpected errors are logged and shown as 500 without internals; what the client caused (a bad
// address, a request it gave up on) or what will pass (a full disk) is not a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable, isDiskFull } from '../chat/chat-error.js';
import { HttpError, toHttpError } from './http-error.js';
import { errorText } from './locale.js';
import { wantsHtml } from './negotiate.js';

const DISK_FULL_RETRY_S = 60;

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'not_found', 'There is nothing at this address.'));
}

/** Errors Express and its body parsers raise for a request they cannot read. */
function fromRequestParsing(err: unknown): HttpError | undefined {
  // The router cannot percent-decode a path parameter (/room/%ZZ); it marks that 400.
  if (err instanceof URIError) return new HttpError(400, 'bad_path', 'The address has a broken percent-encoding.');
  const e = err as { type?: unknown; status?: unknown } | null | undefined;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  if (e.type === 'entity.too.large') return new HttpError(413, 'too_large', 'The request body is too large.');
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'bad_json', 'The request body is not valid JSON.');
  return new HttpError(e.status, 'bad_request', 'The request could not be read.');
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
}

export function errorHandler(log: (err: unknown) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    // The client hung up (an aborted upload), or shutdown closed its connection: nobody to answer.
    if (req.socket.destroyed && !toHttpError(err)) {
      log(`${req.method} ${req.path}: the client went away mid-request (${oneLine(err)})`);
      return;
    }
    let httpErr = toHttpError(err) ?? fromRequestParsing(err);
    if (!httpErr && isDiskFull(err)) {
      log(`${req.method} ${req.path}: 503, the disk is full (${oneLine(err)})`);
      httpErr = new HttpError(503, 'disk_full', 'The server is out of disk space; try again later.', DISK_FULL_RETRY_S);
    }
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
    if (httpErr.retryAfterS !== undefined) res.set('Retry-After', String(httpErr.retryAfterS));
    if (wantsHtml(req)) {
      res.render('error', { status: httpErr.status, message: errorText(res, httpErr.code, httpErr.message) });
    } else {
      res.json({ error: { code: httpErr.code, message: httpErr.message } });
    }
  };
}
