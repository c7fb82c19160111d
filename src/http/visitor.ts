// A visitor's identity (and so a stored session) is made only when they first do something that
// needs one: entering a room, creating one, unlocking one, renaming themselves, or asking who
// they are (GET /me, which the page calls before it opens its socket). Reading the lobby or the
// create form stores nothing, so a stranger's requests do not each leave a session behind.
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { saveSession } from './session.js';
import { newVisitor } from '../chat/identity.js';
import type { Person } from '../shared/protocol.js';

export interface NewVisitorBudget {
  /** Throws (429) if this request's address may not mint another identity now. */
  takeVisitor(req: Request): Promise<void>;
}

export function ensureVisitor(budget: NewVisitorBudget): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.session.visitor && req.session.csrfToken) return next();
    void (async () => {
      if (!req.session.visitor) {
        await budget.takeVisitor(req);
        req.session.visitor = newVisitor();
      }
      req.session.csrfToken ??= randomBytes(24).toString('base64url');
      // Stored before the response, so a socket opened right after it finds the session.
      await saveSession(req);
    })().then(() => next(), next);
  };
}

export function visitorOf(req: Request): Person {
  const visitor = req.session.visitor;
  if (!visitor) throw new Error('ensureVisitor must run before this route');
  return visitor;
}

export function grantsOf(req: Request): ReadonlySet<string> {
  return new Set(req.session.grants ?? []);
}
