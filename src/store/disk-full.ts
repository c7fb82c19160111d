// Recognises "the disk is full" wherever it comes from: a file write (an upload: ENOSPC, or a
// quota: EDQUOT), or the database refusing a write (MongoDB's OutOfDiskSpace, or the embedded
// database passing on the storage engine's "No space left on device"). It is the server's
// problem and usually passes, so clients get 503 with Retry-After, not 500.
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const OUT_OF_DISK_SPACE = 14031;
const DISK_FULL_TEXT = /\bENOSPC\b|No space left on device|Disk quota exceeded|MDB_MAP_FULL/i;

export function isDiskFull(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    errmsg?: unknown;
    errorResponse?: unknown;
    cause?: unknown;
    writeErrors?: unknown;
  };
  if (typeof e.code === 'string' && DISK_FULL_CODES.has(e.code)) return true;
  if (e.code === OUT_OF_DISK_SPACE) return true;
  if ([e.message, e.errmsg].some((m) => typeof m === 'string' && DISK_FULL_TEXT.test(m))) return true;
  // The driver wraps server errors (bulk writes carry them per statement).
  const inner = [e.errorResponse, e.cause, ...(Array.isArray(e.writeErrors) ? (e.writeErrors as unknown[]) : [])];
  return inner.some((x) => isDiskFull(x, depth + 1));
}
