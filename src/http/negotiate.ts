// Browsers get pages; API callers (fetch, curl, tests asking for JSON) get JSON.
import type { Request } from 'express';

export function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}
