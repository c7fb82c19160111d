// Tells "the database cannot be reached right now" apart from every other failure, so callers can
// answer 503 / "unavailable" and let the driver reconnect by itself.
const UNAVAILABLE = /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|TopologyClosed)Error$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  if (typeof name === 'string' && UNAVAILABLE.test(name)) return true;
  return name === 'MongooseError' && typeof message === 'string' && /buffering timed out|before initial connection/.test(message);
}
