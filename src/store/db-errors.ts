// Tells "the database cannot be reached right now" apart from every other failure, so callers can
// answer 503 / "unavailable" and let the driver reconnect by itself.
const UNAVAILABLE =
  /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|TopologyClosed|WaitQueueTimeout)Error$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  if (typeof name === 'string' && UNAVAILABLE.test(name)) return true;
  if (isWrappedConnectionError(err)) return true;
  return (
    name === 'MongooseError' &&
    typeof message === 'string' &&
    /buffering timed out|before initial connection/.test(message)
  );
}

/**
 * insertMany reports a failure to reach the server as a MongoBulkWriteError with no write errors,
 * onto which the driver copies the network or server-selection error's own fields.
 */
function isWrappedConnectionError(err: object): boolean {
  const e = err as { name?: unknown; writeErrors?: unknown };
  if (e.name !== 'MongoBulkWriteError' || !Array.isArray(e.writeErrors) || e.writeErrors.length > 0) return false;
  return 'beforeHandshake' in err || 'connectionGeneration' in err || 'reason' in err;
}

/**
 * The request may have reached the database but its answer never came back (a timeout, a lost
 * connection): a write may or may not have been applied. Errors raised before anything was
 * sent (no server to select, no free connection) are not among them.
 */
export function isOutcomeUnknown(err: unknown): boolean {
  if (!isDatabaseUnavailable(err)) return false;
  const name = (err as { name?: unknown }).name;
  return !(
    typeof name === 'string' &&
    /^Mongo(ose)?(ServerSelection|NotConnected|TopologyClosed|WaitQueueTimeout)Error$/.test(name)
  );
}
