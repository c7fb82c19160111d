// Logs each unknown or refused command name once (per server), with the address of the first
// client that sent it: enough to see what a program expects, without a line per request.
/** Names are client-chosen: at most this many distinct ones are remembered and logged. */
const MAX_NAMES = 1000;
const MAX_NAME_CHARS = 100;

export type RefusalKind = 'unknown' | 'unauthenticated' | 'unauthorized';

export type RefusalLog = (kind: RefusalKind, name: string, remote: string) => void;

export function createRefusalLog(log: (line: string) => void): RefusalLog {
  const seen = new Set<string>();
  return (kind, name, remote) => {
    const key = `${kind}\0${name}`;
    if (seen.has(key) || seen.size >= MAX_NAMES) return;
    seen.add(key);
    const shown = JSON.stringify(name.slice(0, MAX_NAME_CHARS));
    const what = kind === 'unknown' ? 'unknown command' : `${kind} command refused:`;
    log(`${what} ${shown} from ${remote} (logged once per command name)`);
  };
}
