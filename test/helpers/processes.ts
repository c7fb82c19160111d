// Child processes for resilience tests: the standalone embedded database and the app itself.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// freePort and stopProcess live in support/, shared with the bench.
export { freePort, stopProcess } from '../../support/processes.js';

const dist = (rel: string) => fileURLToPath(new URL(`../../src/${rel}`, import.meta.url));

/**
 * Starts a compiled entry point and resolves once its stdout matches `ready`; `output` is all it
 * printed. `env` adds to this process's environment; an undefined value removes that variable.
 */
export function startProcess(
  entry: string,
  env: Record<string, string | undefined>,
  ready: RegExp,
  opts: { cwd?: string } = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, [dist(entry)], {
    env: merged,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready:\n${out}`)));
  });
}

/**
 * The standalone embedded database in its own process, on data in `dataDir`, on a port it binds
 * itself (0) and prints: a port found free beforehand can be taken by another socket first.
 */
export async function startStandaloneDb(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const { child, match } = await startProcess(
    'embedded-db/main.js',
    { EMBEDDED_DB_PORT: '0', DATA_DIR: dataDir },
    /listening on mongodb:\/\/127\.0\.0\.1:(\d+)/,
  );
  return { child, port: Number(match[1]) };
}

/**
 * The app itself as a child process, on the embedded database in `dataDir`, resolving with its
 * URL once it listens (`ready` finds the URL in its output). Its chat budgets are raised (every
 * test client shares one address); `env` adds to or overrides that environment.
 */
export async function startApp(
  dataDir: string,
  env: Record<string, string | undefined> = {},
  ready = /listening on (http:\/\/\S+)/,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const appEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    UPLOAD_DIR: path.join(dataDir, 'up'),
    MONGO_URL: '',
    LOG_FORMAT: 'none',
    CHAT_PER_10S: '1000000',
    CHAT_PER_IP_PER_10S: '10000000',
    WS_FRAMES_PER_10S: '10000000',
    ...env,
  };
  const { child, match, output } = await startProcess('main.js', appEnv, ready);
  return { child, output, url: match[1]!.replace('localhost', '127.0.0.1') };
}
