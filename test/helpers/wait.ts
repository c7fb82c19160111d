// The one polling wait of the test suite, for conditions nothing signals (a process's output, a
// database sweep, a timer in another process). Sockets signal their frames: see TestSocket.
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 100;

/**
 * Resolves once `check` answers true, asking every 100 ms; throws after `ms` naming `what`. A
 * check that throws counts as false (a server that is restarting refuses connections).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
