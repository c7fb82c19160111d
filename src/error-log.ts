// The server's error log. Once shutdown begins, work still in flight fails in many ways as the
// connections and then the database client close (a burst of chats logged 200 traces of
// "Operation interrupted because client was closed"). That is expected, so during shutdown
// failures are only counted, and told in one line at the end.
export interface ErrorLog {
  /** A plain function, so it can be handed on by itself. */
  logError: (err: unknown) => void;
  /** From now on, failures are only counted. */
  closing(): void;
  /** Writes the one line about what the shutdown interrupted, if anything. */
  closed(): void;
}

export function createErrorLog(write: (line: unknown) => void = (e) => console.error('[gif-chat]', e)): ErrorLog {
  let shuttingDown = false;
  let interrupted = 0;
  return {
    logError(err) {
      if (shuttingDown) interrupted++;
      else write(err);
    },
    closing() {
      shuttingDown = true;
    },
    closed() {
      if (interrupted > 0) write(`shutdown interrupted ${interrupted} operation(s) in flight`);
      interrupted = 0;
    },
  };
}
