// Gives every visitor a stable identity and a CSRF token in their session on first contact.
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { newVisitor } from '../chat/identity.js';
import type { Person } from '../store/room-repository.js';

export function ensureVisitor(req: Request, _res: Response, next: NextFunction): void {
  if (!req.session.visitor) req.session.visitor = newVisitor();
  if (!req.session.csrfToken) req.session.csrfToken = randomBytes(24).toString('base64url');
  next();
}

export function visitorOf(req: Request): Person {
  const visitor = req.session.visitor;
  if (!visitor) throw new Error('ensureVisitor must run before this route');
  return visitor;
}

export function grantsOf(req: Request): ReadonlySet<string> {
  return new Set(req.session.grants ?? []);
}

/**
 * Writes the session to the store now. express-session saves at the end of the response but
 * sends the headers first, so a client that acts on a redirect at once (a browser following it,
 * a socket joining) could read the session before the change is stored.
 */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err: unknown) => (err ? reject(err) : resolve())));
}
