// "The store instances share cannot be reached right now" (Redis down or restarting), told apart
// from a bug in a script, so the chat can answer `unavailable` and let the client try again.
export class SharedStateUnavailable extends Error {
  constructor(cause: unknown) {
    super(`shared state unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SharedStateUnavailable';
  }
}

/** Redis answers that mean "not now" rather than "wrong": loading, busy, failing over. */
const PASSING = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN)/;

/** Wraps a failure to reach Redis; a script error (ReplyError) that is not a passing state stays as it is. */
export function asSharedStateError(err: unknown): unknown {
  if (err instanceof Error && err.name === 'ReplyError' && !PASSING.test(err.message)) return err;
  return new SharedStateUnavailable(err);
}

export function isSharedStateUnavailable(err: unknown): boolean {
  return err instanceof SharedStateUnavailable;
}
