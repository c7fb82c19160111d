// Where a form that changes a preference (language, nickname) sends the browser back to: only
// this app's own pages, never another site (no open redirect).
const PAGE_PATH = /^\/(room(\/[0-9a-f]{24})?)?$/;

export function returnPath(raw: unknown): string {
  return typeof raw === 'string' && PAGE_PATH.test(raw) ? raw : '/';
}

/** The page a request shows, as a return path: a form's own POST address maps back to its page. */
export function pageOf(method: string, path: string): string {
  const page = method === 'GET' || method === 'HEAD' ? path : path.replace(/\/password$/, '');
  return returnPath(page);
}
