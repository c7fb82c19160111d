// WORKERS=N under test: the app started as a cluster primary with its workers, requests on fresh
// connections (the cluster hands each new connection to the next worker, so a pooled one would
// stay with one), and sockets spread until every worker holds one.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { startApp } from './processes.js';
import type { TestSocket, Visitor } from './visitor.js';
import { waitFor } from './wait.js';

export interface TestCluster {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Pids of the workers that said they listen, in that order (restarted ones included). */
  workerPids(): number[];
}

/** The app with WORKERS=`workers`, resolved once the primary says every worker listens. */
export async function startCluster(
  dataDir: string,
  workers: number,
  env: Record<string, string | undefined>,
): Promise<TestCluster> {
  const ready = new RegExp(`\\[primary\\] gif-chat listening on (http://\\S+) with ${workers} workers`);
  const app = await startApp(dataDir, { WORKERS: String(workers), ...env }, ready);
  const workerPids = () =>
    [...app.output().matchAll(/\[worker (\d+)\] gif-chat listening on/g)].map((m) => Number(m[1]));
  // The primary hears of a worker's listening before that worker's own line is printed.
  await waitFor(() => workerPids().length >= workers, 5000, `${workers} workers' start lines`);
  return { ...app, workerPids };
}

export interface Answer {
  status: number;
  /** X-Instance: the pid of the worker that answered. */
  instance: string;
  body: string;
}

/** GET on a new connection, closed after the answer. */
export function ask(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, instance: String(res.headers['x-instance']), body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sockets for `visitor`, one on each of `workers` workers, keyed by worker pid: opens sockets until
 * every worker has one (connections go to the workers in turn), closing the spare ones.
 */
export async function socketOnEachWorker(visitor: Visitor, workers: number): Promise<Map<string, TestSocket>> {
  const byWorker = new Map<string, TestSocket>();
  const wsUrl = `${visitor.baseUrl.replace(/^http/, 'ws')}/ws`;
  for (let tries = 0; byWorker.size < workers; tries++) {
    if (tries === workers * 5) throw new Error(`sockets reached only ${byWorker.size} of ${workers} workers`);
    const socket = await visitor.socket(wsUrl);
    if (!socket.instance) throw new Error('the socket upgrade carried no X-Instance');
    if (byWorker.has(socket.instance)) socket.ws.close();
    else byWorker.set(socket.instance, socket);
  }
  return byWorker;
}

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves with the exit code (or signal) once the process has exited. */
export function exitOf(child: ChildProcess): Promise<number | NodeJS.Signals> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
}
