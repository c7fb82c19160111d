// Where a form that changes a preference (language, nickname) sends the browser back to: only
// this app's own pages, never another site (no open redirect).
import { isObjectId } from '../shared/protocol.js';

/** `/` (the lobby), `/room` (the create form) or `/room/<room id>`. */
function isPagePath(raw: string): boolean {
  return raw === '/' || raw === '/room' || (raw.startsWith('/room/') && isObjectId(raw.slice('/room/'.length)));
}

export function returnPath(raw: unknown): string {
  return typeof raw === 'string' && isPagePath(raw) ? raw : '/';
}

/** The page a request shows, as a return path: a form's own POST address maps back to its page. */
export function pageOf(method: string, path: string): string {
  const page = method === 'GET' || method === 'HEAD' ? path : path.replace(/\/password$/, '');
  return returnPath(page);
}
